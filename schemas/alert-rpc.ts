import type { Env } from "./config/env";

/**
 * The contract between the collectors' alert taps, the HTTP API and the AlertState Durable
 * Object. Collectors count matching events locally and send partial counts in small periodic
 * reports; the AlertState object adds them up across shards, keeps each group's state and
 * delivers notifications from a durable outbox.
 */

/** What one collector counted for one group of one rule since its previous report. */
export interface GroupPartial {
  /** JSON of `values`: the group's identity. */
  key: string;
  /** The group's values, one per groupBy field (a missing field is null). */
  values: unknown[];
  /** Weighted (sampleRate) events matching `where` (for a rate rule: and `of`). */
  count: number;
  /** Rate rules: weighted events matching `of`. */
  of: number;
  /** Newest last: archived envelopes (redacted), each cut to a preview past MAX_SAMPLE_CHARS. */
  samples: string[];
}

export interface RulePartial {
  rule: string;
  groups: GroupPartial[];
  /** Events of groups past the per-rule group cap, left out of this report. */
  droppedGroups: number;
}

export interface AlertReport {
  /** The reporting collector (its Durable Object id). */
  shard: string;
  /** A retried report carries the same incarnation and seq, so it is applied once. */
  incarnation: string;
  seq: number;
  rules: RulePartial[];
}

export type AlertGroupState = "pending" | "firing" | "resolved" | "ok";

export interface AlertGroupView {
  group: Record<string, unknown>;
  state: AlertGroupState;
  /** When the group entered this state. */
  since: string;
  count: number;
  of?: number;
  rate?: number;
  lastSeenAt?: string | null;
  /** The last firing notification (first or repeat). */
  lastNotifiedAt: string | null;
}

export interface AlertRuleView {
  name: string;
  kind: "threshold" | "absence";
  where: unknown[];
  groupBy: readonly string[];
  threshold?: number;
  rate?: number;
  of?: unknown[];
  window?: string;
  absentFor?: string;
  repeat: string;
  /** Destinations without path or query (a Slack webhook's path is its credential). */
  notify: string[];
  groups: AlertGroupView[];
}

export interface AlertTransitionView {
  at: string;
  rule: string;
  group: Record<string, unknown>;
  from: AlertGroupState;
  to: AlertGroupState;
  count: number;
  rate?: number;
}

export interface DeliveryCounts {
  /** Notifications a destination accepted (2xx). */
  delivered: number;
  /** Failed attempts that were retried later. */
  retries: number;
  /** Notifications given up on (a final 4xx answer, or every attempt failed). */
  failed: number;
}

export interface AlertsView {
  rules: AlertRuleView[];
  /** Newest first. */
  transitions: AlertTransitionView[];
  outbox: { pending: number; failed: number; nextAttemptAt: string | null; lastError: string | null };
  delivery: DeliveryCounts;
  reports: { received: number; duplicates: number; unknownRules: number; droppedGroups: number };
}

export interface TestDelivery {
  destination: string;
  ok: boolean;
  /** The destination's 2xx status when it took the notification. */
  status: number | null;
  /** Why not: `HTTP 404`, a network error, a timeout. */
  error: string | null;
}

export interface AlertStateRpc {
  report(report: AlertReport): Promise<void>;
  /** `origin`: where the HTTP API was reached, remembered for dashboard links when PUBLIC_URL is unset. */
  view(origin?: string): Promise<AlertsView>;
  sendTest(rule: string, origin?: string): Promise<TestDelivery[]>;
}

/**
 * Groups one rule may have: in one collector report (events of further groups are counted as
 * dropped there) and in the AlertState object (likewise). A groupBy on a field with more distinct
 * values than this is a mistake the /alerts view shows as droppedGroups.
 */
export const MAX_ALERT_GROUPS = 1_000;

/** Sample events per group: in a report, in the AlertState object, in a notification (the newest). */
export const MAX_ALERT_SAMPLES = 5;

/** There is one AlertState object: 256 shards reporting every 2 s make 128 calls a second. */
export const ALERT_STATE_NAME = "alerts";

export function alertState(env: Env, name: string = ALERT_STATE_NAME) {
  return env.ALERT_STATE.get(env.ALERT_STATE.idFromName(name));
}
