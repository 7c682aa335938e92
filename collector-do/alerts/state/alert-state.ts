import { DurableObject } from "cloudflare:workers";
import type { AlertReport, AlertStateRpc, AlertsView, DeliveryCounts, TestDelivery } from "../../../schemas/alert-rpc";
import type { AlertRule } from "../../../schemas/config/alert-rules";
import { type AlertSettings, loadConfig } from "../../../schemas/config/config";
import type { Env } from "../../../schemas/config/env";
import { errorMessage } from "../../../schemas/lib/error-message";
import { Hash64 } from "../../../schemas/lib/hash64";
import type { Fetcher } from "../../../schemas/lib/http-attempt";
import { type AlertGroup, groupObject, isIdle, nextChangeAt, type Step, step, widthOf, windowMsOf } from "./alert-group";
import { postNotification, redactDestination } from "./delivery";
import { GroupSet } from "./group-set";
import { GroupStore } from "./group-store";
import { bodyFor, dashboardLink, type NotificationFacts, type NotificationState } from "./notification";
import { Outbox } from "./outbox";
import { deliverDue } from "./outbox-delivery";
import { viewAlerts } from "./view";
import { addToBuckets, pruneBuckets } from "./windows";

/**
 * Counts are written at most this often (a row per group that changed, however many reports
 * changed it): an eviction loses at most the counts of this long. Transitions and notifications
 * are written at once.
 */
export const CHECKPOINT_INTERVAL_MS = 10_000;

/**
 * Holds every rule's groups (windows summed across collector shards, state, samples) and a
 * durable outbox of notifications, delivered by its alarm with retries. One object for the whole
 * deployment (ALERT_STATE_NAME). A report is evaluated as it arrives, so a crossing fires at once.
 */
export class AlertState extends DurableObject<Env> implements AlertStateRpc {
  /** Rules, secret and public URL. A field so that tests can give an object their own. */
  settings: AlertSettings;
  /** How notifications leave. A field so that tests can observe or break deliveries. */
  fetcher: Fetcher = (request) => fetch(request);
  private readonly store: GroupStore;
  private readonly outbox: Outbox;
  private readonly groups: GroupSet;
  private rulesFor: { settings: AlertSettings; byName: Map<string, AlertRule> } | null = null;
  private lastCheckpointAt = 0;
  /** Groups of rules removed from ALERT_RULES are deleted by the first checkpoint after a (re)load. */
  private removedRulesChecked = false;
  /** The last report applied per shard, so that a retried report is applied once (memory only: see README). */
  private readonly applied = new Map<string, { incarnation: string; seq: number }>();
  private alarmAt: number | null = null;
  private delivery: DeliveryCounts = { delivered: 0, retries: 0, failed: 0 };
  private readonly reports = { received: 0, duplicates: 0, unknownRules: 0, droppedGroups: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.settings = loadConfig(env).alerts;
    this.store = new GroupStore(ctx.storage.sql);
    this.outbox = new Outbox(ctx.storage.sql);
    this.groups = new GroupSet(this.store);
    void ctx.blockConcurrencyWhile(() => this.restore());
  }

  /** Adds a collector's partial counts and evaluates the groups they touch; a transition is stored before this answers. */
  async report(report: AlertReport): Promise<void> {
    this.reports.received++;
    const last = this.applied.get(report.shard);
    if (last !== undefined && last.incarnation === report.incarnation && last.seq >= report.seq) {
      this.reports.duplicates++;
      return;
    }
    const now = Date.now();
    let touched: AlertGroup[] = [];
    let notified = false;
    try {
      this.ctx.storage.transactionSync(() => {
        touched = this.apply(report, now);
        for (const group of touched) notified = this.evaluate(group, now) || notified;
        if (this.groups.hasDirty && now >= this.lastCheckpointAt + CHECKPOINT_INTERVAL_MS) this.checkpoint(now);
      });
    } catch (error) {
      // Memory may hold part of what the rolled-back transaction wrote: start again from storage.
      this.reload();
      throw error;
    }
    this.applied.set(report.shard, { incarnation: report.incarnation, seq: report.seq });
    let next = notified ? now : null;
    for (const group of touched) next = earliest(next, nextChangeAt(this.rule(group.rule) as AlertRule, group));
    if (this.groups.hasDirty) next = earliest(next, this.lastCheckpointAt + CHECKPOINT_INTERVAL_MS);
    await this.alarmNoLaterThan(next);
  }

  async view(origin?: string): Promise<AlertsView> {
    this.rememberOrigin(origin);
    return viewAlerts({
      rules: this.settings.rules,
      groups: this.groups.rules,
      now: Date.now(),
      store: this.store,
      outbox: this.outbox,
      delivery: this.delivery,
      reports: this.reports,
    });
  }

  /** Sends a `test` notification of the rule to each of its destinations once, now, and says how each answered. */
  async sendTest(ruleName: string, origin?: string): Promise<TestDelivery[]> {
    this.rememberOrigin(origin);
    const rule = this.rule(ruleName);
    if (rule === undefined) throw new Error(`no rule named ${JSON.stringify(ruleName)}`);
    const now = Date.now();
    const facts: NotificationFacts = {
      id: `${rule.name}:test:${now}`,
      rule,
      state: "test",
      group: groupObject(rule, []),
      measure: { count: 0 },
      since: now,
      at: now,
      repeat: 0,
      lastSeenAt: null,
      samples: [],
      dashboard: this.dashboard(),
    };
    const secret = this.settings.webhookSecret;
    return Promise.all(
      rule.notify.map(async (destination) => {
        const outcome = await postNotification(this.fetcher, destination, facts.id, bodyFor(destination, facts), secret);
        const shown = redactDestination(destination);
        return outcome.ok
          ? { destination: shown, ok: true, status: outcome.value, error: null }
          : { destination: shown, ok: false, status: null, error: outcome.error };
      }),
    );
  }

  /** Time-driven changes (resolve, repeat, absence deadlines), the checkpoint, then deliveries. */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    try {
      const now = Date.now();
      this.ctx.storage.transactionSync(() => {
        this.evaluateAll(now);
        if (this.groups.hasDirty) this.checkpoint(now);
      });
      await deliverDue(this.outbox, this.ctx.storage, this.fetcher, this.settings.webhookSecret, this.delivery, () =>
        this.store.setMeta("delivery", this.delivery),
      );
    } catch (error) {
      console.error(`AlertState alarm failed: ${errorMessage(error)}`);
      this.reload();
    }
    await this.scheduleAlarm();
  }

  /** Adds the report's counts to its groups' windows; answers the groups it touched. */
  private apply(report: AlertReport, now: number): AlertGroup[] {
    const touched: AlertGroup[] = [];
    for (const partial of report.rules) {
      const rule = this.rule(partial.rule);
      if (rule === undefined) {
        this.reports.unknownRules++;
        continue;
      }
      this.reports.droppedGroups += partial.droppedGroups;
      for (const counted of partial.groups) {
        const group = this.groups.groupFor(rule, counted, now);
        if (group === undefined) {
          // A rate rule counts in `of` every event it matched too: each event once.
          this.reports.droppedGroups += Math.max(counted.count, counted.of);
          continue;
        }
        addToBuckets(group.buckets, now, widthOf(rule), counted.count, counted.of);
        if (rule.kind === "absence" && counted.count > 0) group.lastSeenAt = now;
        this.groups.touch(group, counted.samples);
        touched.push(group);
      }
    }
    return touched;
  }

  /** Applies a transition if the group has one (stored at once); answers whether it made a notification. */
  private evaluate(group: AlertGroup, now: number): boolean {
    const rule = this.rule(group.rule) as AlertRule;
    pruneBuckets(group.buckets, now, windowMsOf(rule), widthOf(rule));
    const change = step(rule, group, now);
    if (change === null) return false;
    this.transition(rule, group, change, now);
    this.groups.save(group);
    return change.notice !== null && rule.notify.length > 0;
  }

  private evaluateAll(now: number): void {
    for (const [ruleName, groups] of this.groups.rules) {
      const rule = this.rule(ruleName);
      if (rule === undefined) continue;
      for (const group of [...groups.values()]) {
        if (isIdle(rule, group, now)) this.groups.forget(group);
        else this.evaluate(group, now);
      }
    }
  }

  private checkpoint(now: number): void {
    if (!this.removedRulesChecked) {
      this.groups.forgetRemovedRules(this.settings.rules);
      this.removedRulesChecked = true;
    }
    this.groups.checkpoint();
    this.lastCheckpointAt = now;
  }

  /** Records the transition and, for a notice, writes one outbox row per destination: before anything is sent. */
  private transition(rule: AlertRule, group: AlertGroup, change: Step, now: number): void {
    const values = groupObject(rule, group.values);
    if (change.notice !== "repeat")
      this.store.addTransition(now, rule.name, values, group.state, change.to, change.measure.count, change.measure.rate);
    if (change.notice !== null) {
      const repeat = change.notice === "repeat" ? Math.max(1, Math.floor((now - group.since) / rule.repeatMs)) : 0;
      const state: NotificationState = change.notice === "resolved" ? "resolved" : "firing";
      const since = change.notice === "firing" ? change.at : group.since;
      const facts: NotificationFacts = {
        // Repeats are numbered from the episode's start: the same repeat made again has the same id.
        id: `${rule.name}:${new Hash64().update(group.key).hex()}:${state}:${since}${repeat > 0 ? `:${repeat}` : ""}`,
        rule,
        state,
        group: values,
        measure: change.measure,
        since,
        at: now,
        repeat,
        lastSeenAt: group.lastSeenAt,
        samples: this.groups.samples(group),
        dashboard: this.dashboard(),
      };
      for (const destination of rule.notify) this.outbox.add(facts.id, rule.name, destination, bodyFor(destination, facts), now);
      if (state === "firing") group.lastNotifiedAt = now;
    }
    if (change.notice !== "repeat") {
      group.state = change.to;
      group.since = change.at;
    }
  }

  /** The earliest of: a notification due, a group that may change by time alone, a checkpoint. */
  private async scheduleAlarm(): Promise<void> {
    let next = this.outbox.nextAt();
    for (const [ruleName, groups] of this.groups.rules) {
      const rule = this.rule(ruleName);
      if (rule === undefined) continue;
      for (const group of groups.values()) next = earliest(next, nextChangeAt(rule, group));
    }
    if (this.groups.hasDirty) next = earliest(next, this.lastCheckpointAt + CHECKPOINT_INTERVAL_MS);
    await this.alarmNoLaterThan(next);
  }

  /** Moves the alarm earlier, never later: a write saved, and an early alarm only finds less to do. */
  private async alarmNoLaterThan(at: number | null): Promise<void> {
    if (at === null || (this.alarmAt !== null && this.alarmAt <= at)) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  private rule(name: string): AlertRule | undefined {
    if (this.rulesFor?.settings !== this.settings) {
      this.rulesFor = { settings: this.settings, byName: new Map(this.settings.rules.map((rule) => [rule.name, rule])) };
    }
    return this.rulesFor.byName.get(name);
  }

  /** PUBLIC_URL, else the origin the HTTP API was last reached at (see README, Alerts). */
  private dashboard(): string | null {
    return dashboardLink(this.settings.publicUrl ?? this.store.meta<string>("origin"));
  }

  private rememberOrigin(origin: string | undefined): void {
    if (origin === undefined || this.settings.publicUrl !== undefined || this.store.meta<string>("origin") === origin) return;
    this.store.setMeta("origin", origin);
  }

  private reload(): void {
    this.groups.reload();
    this.removedRulesChecked = false;
  }

  private async restore(): Promise<void> {
    this.reload();
    this.delivery = this.store.meta<DeliveryCounts>("delivery") ?? { delivered: 0, retries: 0, failed: 0 };
    this.alarmAt = await this.ctx.storage.getAlarm();
    // An outbox row left by a delivery cut short is due: the alarm sends it again.
    await this.scheduleAlarm();
  }
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.min(a, b);
}
