import { MAX_ALERT_SAMPLES } from "../../../schemas/alert-rpc";
import type { AlertRule } from "../../../schemas/config/alert-rules";
import { isSlackWebhook } from "../../../schemas/config/alert-rules";
import type { Measure } from "./alert-group";

export type NotificationState = "firing" | "resolved" | "test";

/** What a notification says, before it is shaped for a destination. */
export interface NotificationFacts {
  /** Stable for this notification (retries and repeats of a delivery keep it): receivers dedupe on it. */
  id: string;
  rule: AlertRule;
  state: NotificationState;
  group: Record<string, unknown>;
  measure: Measure;
  /** When the firing episode began (also in the resolved notification). */
  since: number;
  at: number;
  /** 0 for the first firing notification of an episode, then 1, 2, … for each repeat. */
  repeat: number;
  lastSeenAt: number | null;
  /** Archived envelopes as JSON, oldest first; at most 5. */
  samples: readonly string[];
  dashboard: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The JSON every destination but Slack receives. */
export function notificationBody(facts: NotificationFacts): Record<string, unknown> {
  const { rule, measure } = facts;
  return {
    id: facts.id,
    rule: rule.name,
    kind: rule.kind,
    state: facts.state,
    group: facts.group,
    count: measure.count,
    ...(measure.rate === undefined ? {} : { of: measure.of, rate: measure.rate }),
    threshold: rule.kind === "threshold" ? rule.threshold : null,
    ...(rule.kind === "threshold" && rule.rate !== undefined ? { rateThreshold: rule.rate } : {}),
    window: rule.kind === "threshold" ? rule.window : rule.absentFor,
    since: iso(facts.since),
    at: iso(facts.at),
    repeat: facts.repeat,
    ...(rule.kind === "absence" ? { lastSeenAt: facts.lastSeenAt === null ? null : iso(facts.lastSeenAt) } : {}),
    samples: facts.samples.slice(-MAX_ALERT_SAMPLES).map(parseSample),
    dashboard: facts.dashboard,
  };
}

function parseSample(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return { text: json };
  }
}

const percent = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 2 : 1)} %`;

/** One line saying what holds (or held). */
export function summary(facts: NotificationFacts): string {
  const { rule, measure } = facts;
  const group = Object.entries(facts.group)
    .map(([field, value]) => `${field}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(", ");
  const label = `${rule.name}${group === "" ? "" : ` (${group})`}`;
  let what: string;
  if (rule.kind === "absence") {
    const seen = facts.lastSeenAt === null ? "never" : iso(facts.lastSeenAt);
    what = `no matching event for ${rule.absentFor} (last seen ${seen})`;
  } else if (rule.rate !== undefined) {
    what = `${percent(measure.rate ?? 0)} of ${measure.of ?? 0} events in ${rule.window} (${measure.count}; fires at ${percent(rule.rate)} and ${rule.threshold} events)`;
  } else {
    what = `${measure.count} events in ${rule.window} (fires at ${rule.threshold})`;
  }
  const head = { firing: facts.repeat > 0 ? "FIRING (still)" : "FIRING", resolved: "RESOLVED", test: "TEST" }[facts.state];
  return `${head} ${label}: ${what}, since ${iso(facts.since)}`;
}

/** Slack incoming webhooks take `{text}` (mrkdwn); the first sample is shown as a code block. */
export function slackBody(facts: NotificationFacts): Record<string, unknown> {
  const icon = { firing: ":rotating_light:", resolved: ":white_check_mark:", test: ":test_tube:" }[facts.state];
  const lines = [`${icon} *do-tail* ${escapeSlack(summary(facts))}`];
  const sample = facts.samples[facts.samples.length - 1];
  if (sample !== undefined) lines.push(`\`\`\`${escapeSlack(sample.slice(0, 600))}\`\`\``);
  if (facts.dashboard !== null) lines.push(`<${facts.dashboard}|Open the dashboard>`);
  return { text: lines.join("\n") };
}

/** Slack reads &, < and > as markup. */
function escapeSlack(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** The body as the destination takes it. */
export function bodyFor(destination: string, facts: NotificationFacts): string {
  return JSON.stringify(isSlackWebhook(destination) ? slackBody(facts) : notificationBody(facts));
}

/** The dashboard, where the alerts panel shows every rule's groups. */
export function dashboardLink(base: string | undefined): string | null {
  return base === undefined ? null : `${base}/#alerts-panel`;
}
