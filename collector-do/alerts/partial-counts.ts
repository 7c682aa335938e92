import { type GroupPartial, MAX_ALERT_GROUPS, MAX_ALERT_SAMPLES, type RulePartial } from "../../schemas/alert-rpc";

/** Sample JSON in one report, all groups together, so that a report stays small. */
export const MAX_REPORT_SAMPLE_CHARS = 256 * 1024;

interface RuleCounts {
  groups: Map<string, GroupPartial>;
  droppedGroups: number;
}

/** What a collector has counted since its last report, per rule and group. */
export class PartialCounts {
  private rules = new Map<string, RuleCounts>();
  private sampleChars = 0;

  get empty(): boolean {
    return this.rules.size === 0;
  }

  /**
   * Adds one event to a group: `count` when it matched `where`, `of` for a rate rule's
   * denominator. `sample` is called only when the event matched and there is room for a sample.
   */
  add(rule: string, values: unknown[], weight: number, matched: boolean, inOf: boolean, sample: () => string): void {
    let counts = this.rules.get(rule);
    if (counts === undefined) {
      counts = { groups: new Map(), droppedGroups: 0 };
      this.rules.set(rule, counts);
    }
    const key = JSON.stringify(values);
    let group = counts.groups.get(key);
    if (group === undefined) {
      if (counts.groups.size >= MAX_ALERT_GROUPS) {
        counts.droppedGroups += weight;
        return;
      }
      group = { key, values, count: 0, of: 0, samples: [] };
      counts.groups.set(key, group);
    }
    if (inOf) group.of += weight;
    if (!matched) return;
    group.count += weight;
    if (this.sampleChars >= MAX_REPORT_SAMPLE_CHARS) return;
    const text = sample();
    group.samples.push(text);
    this.sampleChars += text.length;
    if (group.samples.length > MAX_ALERT_SAMPLES) this.sampleChars -= (group.samples.shift() as string).length;
  }

  /** Everything counted so far, for one report; starts afresh. */
  take(): RulePartial[] {
    const partials = [...this.rules].map(([rule, { groups, droppedGroups }]) => ({ rule, groups: [...groups.values()], droppedGroups }));
    this.rules = new Map();
    this.sampleChars = 0;
    return partials;
  }
}
