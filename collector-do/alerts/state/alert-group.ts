import type { AlertGroupState } from "../../../schemas/alert-rpc";
import type { AlertRule } from "../../../schemas/config/alert-rules";
import { type Bucket, bucketWidthMs, newestExitAt, oldestExitAt, windowTotals } from "./windows";

/** One group of one rule, as the AlertState object holds it (its samples stay in SQLite). */
export interface AlertGroup {
  rule: string;
  key: string;
  values: unknown[];
  state: AlertGroupState;
  /** When the group entered its state: for `firing`, when this episode began. */
  since: number;
  /** Threshold rules: their window; absence rules: the events of the last `for`. */
  buckets: Bucket[];
  /** Absence rules: when a matching event of the group last arrived. */
  lastSeenAt: number | null;
  /** When the last firing notification (first or repeat) was made. */
  lastNotifiedAt: number | null;
}

export interface Measure {
  count: number;
  of?: number;
  rate?: number;
}

/** The group's values by groupBy field, as notifications and GET /alerts show them. */
export function groupObject(rule: AlertRule, values: readonly unknown[]): Record<string, unknown> {
  return Object.fromEntries(rule.groupBy.map((field, i) => [field, values[i] ?? null]));
}

/** The window a rule's buckets span: its `window`, or the `for` of an absence rule. */
export function windowMsOf(rule: AlertRule): number {
  return rule.kind === "threshold" ? rule.windowMs : rule.absentForMs;
}

export function widthOf(rule: AlertRule): number {
  return bucketWidthMs(windowMsOf(rule));
}

export function measure(rule: AlertRule, group: AlertGroup, now: number): Measure {
  // Past its deadline an absent group has no event in `for`, whatever its coarse buckets hold.
  if (rule.kind === "absence" && group.lastSeenAt !== null && now >= group.lastSeenAt + rule.absentForMs) return { count: 0 };
  const { count, of } = windowTotals(group.buckets, now, windowMsOf(rule), widthOf(rule));
  if (rule.kind !== "threshold" || rule.rate === undefined) return { count };
  return { count, of, rate: of > 0 ? count / of : 0 };
}

function holds(rule: AlertRule, group: AlertGroup, m: Measure, now: number): boolean {
  if (rule.kind === "absence") return group.lastSeenAt !== null && now >= group.lastSeenAt + rule.absentForMs;
  if (m.count < rule.threshold) return false;
  return rule.rate === undefined || (m.of !== undefined && m.of > 0 && (m.rate as number) >= rule.rate);
}

export type Notice = "firing" | "repeat" | "resolved";

export interface Step {
  to: AlertGroupState;
  /** When the new state began (an absence fires from its deadline, not from when that was noticed). */
  at: number;
  notice: Notice | null;
  measure: Measure;
}

/**
 * What the group does now: fire, repeat or resolve; null when nothing changes. A threshold group
 * is `pending` from its first event until it fires, and stays `resolved` after firing until its
 * window is empty and it is forgotten; an absence group is `ok` until its first deadline passes.
 */
export function step(rule: AlertRule, group: AlertGroup, now: number): Step | null {
  const m = measure(rule, group, now);
  const holding = holds(rule, group, m, now);
  if (group.state === "firing") {
    if (!holding) return { to: "resolved", at: now, notice: "resolved", measure: m };
    if (now >= (group.lastNotifiedAt ?? group.since) + rule.repeatMs)
      return { to: "firing", at: group.since, notice: "repeat", measure: m };
    return null;
  }
  if (holding) {
    const at = rule.kind === "absence" ? (group.lastSeenAt as number) + rule.absentForMs : now;
    return { to: "firing", at, notice: "firing", measure: m };
  }
  return null;
}

/** A threshold group with an empty window that is not firing is forgotten. */
export function isIdle(rule: AlertRule, group: AlertGroup, now: number): boolean {
  return rule.kind === "threshold" && group.state !== "firing" && (newestExitAt(group.buckets, rule.windowMs, widthOf(rule)) ?? 0) <= now;
}

/** The next time the group may change by time alone (resolve, repeat, fire on absence, be forgotten). */
export function nextChangeAt(rule: AlertRule, group: AlertGroup): number | null {
  const windowMs = windowMsOf(rule);
  const widthMs = widthOf(rule);
  if (group.state === "firing") {
    const repeatAt = (group.lastNotifiedAt ?? group.since) + rule.repeatMs;
    const resolveAt = rule.kind === "threshold" ? oldestExitAt(group.buckets, windowMs, widthMs) : null;
    return resolveAt === null ? repeatAt : Math.min(repeatAt, resolveAt);
  }
  if (rule.kind === "absence") return group.lastSeenAt === null ? null : group.lastSeenAt + rule.absentForMs;
  return newestExitAt(group.buckets, windowMs, widthMs);
}
