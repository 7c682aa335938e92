import { type GroupPartial, MAX_ALERT_GROUPS, MAX_ALERT_SAMPLES } from "../../../schemas/alert-rpc";
import type { AlertRule } from "../../../schemas/config/alert-rules";
import type { AlertGroup } from "./alert-group";
import type { GroupStore } from "./group-store";

/**
 * The groups of every rule in memory, and which of them changed since they were last written:
 * counts are written by checkpoints, a few seconds apart, not by every report. Samples live in
 * SQLite; those that came since the last write wait here.
 */
export class GroupSet {
  private readonly byRule = new Map<string, Map<string, AlertGroup>>();
  /** Groups to write at the next checkpoint, with their samples not yet written (oldest first). */
  private readonly dirty = new Map<AlertGroup, string[]>();

  constructor(private readonly store: GroupStore) {}

  get(rule: string): ReadonlyMap<string, AlertGroup> | undefined {
    return this.byRule.get(rule);
  }

  get rules(): ReadonlyMap<string, ReadonlyMap<string, AlertGroup>> {
    return this.byRule;
  }

  get hasDirty(): boolean {
    return this.dirty.size > 0;
  }

  /** The group the counts go to, created when new; undefined past MAX_ALERT_GROUPS for the rule. */
  groupFor(rule: AlertRule, counted: GroupPartial, now: number): AlertGroup | undefined {
    let groups = this.byRule.get(rule.name);
    if (groups === undefined) {
      groups = new Map();
      this.byRule.set(rule.name, groups);
    }
    let group = groups.get(counted.key);
    if (group === undefined) {
      if (groups.size >= MAX_ALERT_GROUPS) return undefined;
      const state = rule.kind === "absence" ? "ok" : "pending";
      group = {
        rule: rule.name,
        key: counted.key,
        values: counted.values,
        state,
        since: now,
        buckets: [],
        lastSeenAt: null,
        lastNotifiedAt: null,
      };
      groups.set(counted.key, group);
    }
    return group;
  }

  /** The group changed; it is written at the next checkpoint, with these new samples. */
  touch(group: AlertGroup, samples: readonly string[]): void {
    const waiting = this.dirty.get(group) ?? [];
    waiting.push(...samples);
    this.dirty.set(group, waiting.slice(-MAX_ALERT_SAMPLES));
  }

  /** Its newest samples: written ones, then those waiting. */
  samples(group: AlertGroup): string[] {
    const waiting = this.dirty.get(group) ?? [];
    if (waiting.length >= MAX_ALERT_SAMPLES) return waiting.slice(-MAX_ALERT_SAMPLES);
    return [...this.store.samples(group), ...waiting].slice(-MAX_ALERT_SAMPLES);
  }

  /** Writes the group now (a transition: its state must not wait for a checkpoint). */
  save(group: AlertGroup): void {
    const waiting = this.dirty.get(group);
    this.store.save(group, waiting === undefined || waiting.length === 0 ? undefined : this.samples(group));
    this.dirty.delete(group);
  }

  /** Writes every changed group: one row each, however many reports changed it. */
  checkpoint(): number {
    const groups = [...this.dirty.keys()];
    for (const group of groups) this.save(group);
    return groups.length;
  }

  forget(group: AlertGroup): void {
    this.byRule.get(group.rule)?.delete(group.key);
    this.dirty.delete(group);
    this.store.delete(group);
  }

  /** Back to what storage holds: at start, and after a transaction that failed. */
  reload(): void {
    this.byRule.clear();
    this.dirty.clear();
    for (const group of this.store.load()) {
      let groups = this.byRule.get(group.rule);
      if (groups === undefined) {
        groups = new Map();
        this.byRule.set(group.rule, groups);
      }
      groups.set(group.key, group);
    }
  }

  /** Forgets the groups of rules no longer in ALERT_RULES (no notification is sent for them). */
  forgetRemovedRules(rules: readonly AlertRule[]): void {
    const names = new Set(rules.map((rule) => rule.name));
    for (const rule of [...this.byRule.keys()]) {
      if (names.has(rule)) continue;
      for (const group of this.byRule.get(rule)?.values() ?? []) this.dirty.delete(group);
      this.byRule.delete(rule);
      this.store.deleteRule(rule);
    }
  }
}
