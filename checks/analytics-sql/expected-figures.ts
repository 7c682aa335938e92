import {
  dateTime,
  distinctPoints,
  type Event,
  type Figures,
  groups,
  identicalPoints,
  num,
  type Order,
  ordered,
  quantile,
  second,
  sum,
  text,
  w,
} from "./figure-math";

/**
 * What each dashboard query of schemas/analytics/queries/ must answer, computed here from the
 * archived events alone: their types, `data` fields and `sampleRate`, with plain loops, never
 * through the Analytics Engine mappings. Only events Analytics Engine gets count: events that
 * failed their catalog schema (marked `validation`) are not forwarded.
 *
 * Each entry gives the expected rows (named as the query names its columns) and the query's ORDER
 * BY, so that rows tying on it may come in any order. Windows (`NOW() - INTERVAL …`) are measured
 * from `now`; the check puts no event near a window's edge, so the few seconds between computing
 * these and ClickHouse's NOW() do not matter. Times are whole seconds, as Analytics Engine's
 * DateTime keeps them.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DO_NAMESPACES = new Set([
  "DO.Lifecycle",
  "RPC",
  "CDC",
  "AI",
  "Workflow",
  "Agent",
  "Execution",
  "Storage",
  "Connection",
  "Schedule",
  "Financial",
  "Communication",
  "Telephony",
]);

const hour = (e: Event) => dateTime(Math.floor(e.timestamp / HOUR) * HOUR);
const isAvailable = (e: Event) => e.data.status === "up" || e.data.status === "degraded";
const doFailed = (e: Event) => e.type.endsWith("failed") || (typeof e.data.error === "string" && e.data.error !== "");
const list = (value: unknown, separator: string) => (Array.isArray(value) ? value.join(separator) : text(value));

/** Every query's figures, by query name (the file name without .sql). */
export const EXPECTED: Record<string, (events: readonly Event[], now: number) => Figures> = {
  "compile-counters": (events, now) => {
    const order: Order = [["hour", "asc"]];
    const counters = ["artifact_compile_queued", "artifact_compile_success", "artifact_compile_failed"];
    const here = within(events, now, DAY).filter((e) => counters.includes(e.type));
    const rows = groups(here, (e) => ({ hour: hour(e) })).map(([key, g]) => ({
      ...key,
      queued: sum(g.filter((e) => e.type === counters[0])),
      succeeded: sum(g.filter((e) => e.type === counters[1])),
      failed: sum(g.filter((e) => e.type === counters[2])),
    }));
    return { rows: ordered(rows, order), order };
  },

  "do-framework-ai-tokens": (events, now) => {
    const order: Order = [["tokens", "desc"]];
    const here = within(events, now, DAY).filter((e) => e.type === "AI.Generation.completed" || e.type === "AI.Generation.failed");
    const rows = groups(here, (e) => ({ model: text(e.data.model) })).map(([key, g]) => ({
      ...key,
      tokens: sum(
        g.filter((e) => e.type === "AI.Generation.completed"),
        (e) => num(e.data.tokens),
      ),
      failures: sum(g.filter((e) => e.type === "AI.Generation.failed")),
      p95_duration_ms: quantile(0.95, g, (e) => num(e.data.duration)),
    }));
    return { rows: ordered(rows, order), order };
  },

  "do-framework-events": (events, now) => {
    const order: Order = [["events", "desc"]];
    const here = within(events, now, DAY).filter((e) => e.namespace !== null && DO_NAMESPACES.has(e.namespace));
    const rows = groups(here, (e) => ({ namespace: text(e.namespace), event: e.type })).map(([key, g]) => ({
      ...key,
      events: sum(g),
      failure_rate: sum(g, (e) => Number(doFailed(e))) / sum(g),
      p95_duration_ms: quantile(0.95, g, (e) => num(e.data.duration)),
    }));
    return { rows: ordered(rows, order), order };
  },

  "funnel-import-publish-by-plan": (events, now) => {
    const order: Order = [
      ["plan", "asc"],
      ["step", "asc"],
      ["outcome", "asc"],
    ];
    const here = within(events, now, 7 * DAY).filter((e) => e.type === "import" || e.type === "publish");
    const rows = groups(here, (e) => ({ step: e.type, plan: text(e.data.plan), outcome: text(e.data.outcome) })).map(([key, g]) => ({
      ...key,
      uploads: sum(g),
      total_size_bytes: sum(g, (e) => num(e.data.totalSizeBytes)),
    }));
    return { rows: ordered(rows, order), order };
  },

  "funnel-top-uploaders": (events, now) => {
    const order: Order = [["total_size_bytes", "desc"]];
    const here = within(events, now, 7 * DAY).filter((e) => e.type === "import" || e.type === "publish");
    const rows = groups(here, (e) => ({ user_id: text(e.data.userId) })).map(([key, g]) => ({
      ...key,
      imports: sum(g.filter((e) => e.type === "import")),
      publishes: sum(g.filter((e) => e.type === "publish")),
      total_size_bytes: sum(g, (e) => num(e.data.totalSizeBytes)),
    }));
    return { rows: ordered(rows, order, 20), order };
  },

  "funnel-warning-percentiles": (events, now) => {
    const here = within(events, now, 7 * DAY).filter((e) => e.type === "import" || e.type === "publish");
    const rows = groups(here, (e) => ({ step: e.type })).map(([key, g]) => ({
      ...key,
      p50_warnings: quantile(0.5, g, (e) => num(e.data.warningCount)),
      p90_warnings: quantile(0.9, g, (e) => num(e.data.warningCount)),
      p99_warnings: quantile(0.99, g, (e) => num(e.data.warningCount)),
    }));
    return { rows, order: [] };
  },

  "live-waitlist-signups": (events, now) => {
    const order: Order = [
      ["day", "asc"],
      ["plan", "asc"],
    ];
    const here = within(events, now, 30 * DAY).filter((e) => e.type === "live_waitlist");
    const rows = groups(here, (e) => ({ day: dateTime(Math.floor(e.timestamp / DAY) * DAY), plan: text(e.data.plan) })).map(([key, g]) => ({
      ...key,
      signups: sum(g),
    }));
    return { rows: ordered(rows, order), order };
  },

  "monitor-latency-p95": (events, now) => {
    const order: Order = [["p95_latency_ms", "desc"]];
    const here = within(events, now, DAY).filter((e) => e.type === "heartbeat" && isAvailable(e));
    const rows = groups(here, (e) => ({ monitor_id: text(e.data.monitorId), region: text(e.data.region) })).map(([key, g]) => ({
      ...key,
      p95_latency_ms: quantile(0.95, g, (e) => num(e.data.latencyMs)),
      avg_latency_ms: sum(g, (e) => num(e.data.latencyMs)) / sum(g),
    }));
    return { rows: ordered(rows, order), order };
  },

  "monitor-org-last-hour": (events, now) => {
    const order: Order = [["uptime_percent", "asc"]];
    const here = within(events, now, HOUR).filter((e) => e.type === "heartbeat");
    const rows = groups(here, (e) => ({ org_id: text(e.data.orgId) })).map(([key, g]) => ({
      ...key,
      uptime_percent: (100 * sum(g, (e) => Number(isAvailable(e)))) / sum(g),
      avg_latency_ms: sum(g, (e) => num(e.data.latencyMs)) / sum(g),
      failed_checks: sum(g.filter((e) => e.data.status === "down")),
    }));
    return { rows: ordered(rows, order), order };
  },

  "monitor-fleet": (events, now) => {
    const order: Order = [["monitor_id", "asc"]];
    const here = within(events, now, HOUR).filter((e) => e.type === "heartbeat");
    const rows = groups(here, (e) => ({ monitor_id: text(e.data.monitorId) })).map(([key, g]) => ({
      ...key,
      checks: sum(g),
      uptime_percent: (100 * sum(g, (e) => Number(isAvailable(e)))) / sum(g),
      avg_latency_ms: sum(g, (e) => num(e.data.latencyMs)) / sum(g),
      failed_checks: sum(g.filter((e) => e.data.status === "down")),
    }));
    return { rows: ordered(rows, order), order };
  },

  "monitor-recent-heartbeats": (events, now) => {
    const order: Order = [["timestamp", "desc"]];
    const here = identicalPoints(
      within(events, now, 90 * DAY).filter((e) => e.type === "heartbeat" && e.data.monitorId === "mon_checkout_api"),
    );
    const rows = here.map(({ event: e, copies }) => ({
      timestamp: dateTime(second(e)),
      region: text(e.data.region),
      status: text(e.data.status),
      latency_ms: num(e.data.latencyMs),
      status_code: num(e.data.statusCode),
      org_id: text(e.data.orgId),
      dispatch_id: text(e.data.dispatchId),
      error: text(e.data.error),
      sample_rate: w(e),
      sample_interval: copies,
    }));
    return { rows: ordered(rows, order, 100), order };
  },

  "monitor-regions": (events, now) => {
    const order: Order = [
      ["region", "asc"],
      ["available", "asc"],
    ];
    const here = within(events, now, DAY).filter((e) => e.type === "heartbeat" && e.data.monitorId === "mon_checkout_api");
    const rows = groups(here, (e) => ({ region: text(e.data.region), available: Number(isAvailable(e)) })).map(([key, g]) => ({
      ...key,
      checks: sum(g),
      p95_latency_ms: quantile(0.95, g, (e) => num(e.data.latencyMs)),
    }));
    return { rows: ordered(rows, order), order };
  },

  "monitor-uptime": (events, now) => {
    const order: Order = [
      ["uptime_percent", "asc"],
      ["monitor_id", "asc"],
      ["region", "asc"],
    ];
    const here = within(events, now, DAY).filter((e) => e.type === "heartbeat");
    const rows = groups(here, (e) => ({ monitor_id: text(e.data.monitorId), region: text(e.data.region) })).map(([key, g]) => ({
      ...key,
      checks: sum(g),
      uptime_percent: (100 * sum(g, (e) => Number(isAvailable(e)))) / sum(g),
    }));
    return { rows: ordered(rows, order), order };
  },

  "quota-usage": (events, now) => {
    const order: Order = [["percent_used", "desc"]];
    const here = within(events, now, DAY).filter((e) => e.type === "run_quota_observation");
    const rows = groups(here, (e) => ({ user_id: text(e.data.userId), plan: text(e.data.plan) })).map(([key, g]) => ({
      ...key,
      runs_this_month: Math.max(...g.map((e) => num(e.data.runsThisMonth))),
      percent_used: Math.max(...g.map((e) => num(e.data.percentUsed))),
    }));
    return { rows: ordered(rows, order, 20), order };
  },

  "runtime-events-frequency": (events, now) => {
    const order: Order = [["events", "desc"]];
    const here = within(events, now, DAY).filter((e) => e.type === "runtime_event");
    const rows = groups(here, (e) => ({ event: text(e.data.event), runtime_type: text(e.data.runtimeType) })).map(([key, g]) => ({
      ...key,
      events: sum(g),
      errors: sum(g, (e) => Number(e.data.isError === true)),
    }));
    return { rows: ordered(rows, order), order };
  },

  "runtime-events-recent-errors": (events, now) => {
    const order: Order = [["timestamp", "desc"]];
    const here = distinctPoints(within(events, now, DAY).filter((e) => e.type === "runtime_event" && e.data.isError === true));
    const rows = here.map((e) => ({
      timestamp: dateTime(second(e)),
      event: text(e.data.event),
      capsule_id: text(e.data.capsuleId),
      artifact_id: text(e.data.artifactId),
      runtime_type: text(e.data.runtimeType),
      code: text(e.data.code),
      message: text(e.data.message),
    }));
    return { rows: ordered(rows, order, 20), order };
  },

  "runtime-events-top-error-codes": (events, now) => {
    const order: Order = [["errors", "desc"]];
    const here = within(events, now, DAY).filter((e) => e.type === "runtime_event" && e.data.isError === true);
    const rows = groups(here, (e) => ({ code: text(e.data.code) })).map(([key, g]) => ({ ...key, errors: sum(g) }));
    return { rows: ordered(rows, order, 20), order };
  },

  "runtime-health-capsule-error-rates": (events, now) => {
    const order: Order = [
      ["failed_runs", "desc"],
      ["error_rate", "desc"],
    ];
    const here = within(events, now, DAY).filter((e) => e.type === "run_complete");
    const rows = groups(here, (e) => ({ capsule_id: text(e.data.capsuleId) })).map(([key, g]) => {
      const failed = sum(g.filter((e) => e.data.status !== "success"));
      return { ...key, runs: sum(g), failed_runs: failed, error_rate: failed / sum(g) };
    });
    return { rows: ordered(rows, order, 20), order };
  },

  "runtime-health-console-volume": (events, now) => {
    const order: Order = [["estimated_lines", "desc"]];
    const here = within(events, now, DAY).filter((e) => e.type === "player_console_log");
    const rows = groups(here, (e) => ({ level: text(e.data.level) })).map(([key, g]) => ({
      ...key,
      reported_lines: sum(g),
      estimated_lines: sum(g, (e) => 1 / (num(e.data.sampleRate) > 0 ? num(e.data.sampleRate) : 1)),
    }));
    return { rows: ordered(rows, order), order };
  },

  "runtime-health-run-outcomes": (events, now) => {
    const order: Order = [["hour", "asc"]];
    const here = within(events, now, DAY).filter((e) => e.type === "run_complete");
    const rows = groups(here, (e) => ({ hour: hour(e) })).map(([key, g]) => {
      const share = (status: string) => sum(g.filter((e) => e.data.status === status)) / sum(g);
      return { ...key, runs: sum(g), success_rate: share("success"), fail_rate: share("failed"), kill_rate: share("killed") };
    });
    return { rows: ordered(rows, order), order };
  },

  "runtime-latency-compile-p95": (events, now) => {
    const order: Order = [["p95_elapsed_ms", "desc"]];
    const here = within(events, now, DAY).filter((e) => e.type === "artifact_compile");
    const rows = groups(here, (e) => ({ runtime_type: text(e.data.runtimeType) })).map(([key, g]) => ({
      ...key,
      compiles: sum(g),
      p95_elapsed_ms: quantile(0.95, g, (e) => num(e.data.elapsedMs)),
      failure_rate: sum(g.filter((e) => e.data.outcome === "failed")) / sum(g),
    }));
    return { rows: ordered(rows, order), order };
  },

  "runtime-latency-runs-p95": (events, now) => {
    const order: Order = [["p95_duration_ms", "desc"]];
    const here = within(events, now, DAY).filter((e) => e.type === "run_complete");
    const rows = groups(here, (e) => ({ capsule_id: text(e.data.capsuleId), plan: text(e.data.plan) })).map(([key, g]) => ({
      ...key,
      runs: sum(g),
      p95_duration_ms: quantile(0.95, g, (e) => num(e.data.durationMs)),
    }));
    return { rows: ordered(rows, order, 50), order };
  },

  "safety-blocked-hashes": (events, now) => {
    const order: Order = [["last_blocked", "desc"]];
    const here = within(events, now, 7 * DAY).filter((e) => e.type === "safety_verdict" && e.data.decision === "block");
    const rows = groups(here, (e) => ({
      code_hash: text(e.data.codeHash),
      entry_path: text(e.data.entryPath),
      tags: list(e.data.tags, ","),
      reasons: list(e.data.reasons, "; "),
    })).map(([key, g]) => ({ ...key, blocks: sum(g), last_blocked: dateTime(Math.max(...g.map(second))) }));
    return { rows: ordered(rows, order, 100), order };
  },

  "safety-posture": (events, now) => {
    const order: Order = [["verdicts", "desc"]];
    const here = within(events, now, 7 * DAY).filter((e) => e.type === "safety_verdict");
    const rows = groups(here, (e) => ({ risk_level: text(e.data.riskLevel), decision: text(e.data.decision) })).map(([key, g]) => ({
      ...key,
      verdicts: sum(g),
    }));
    return { rows: ordered(rows, order), order };
  },
};

/** Forwarded events (valid ones) of the last `ms` before `now`, by Analytics Engine's whole-second time. */
function within(events: readonly Event[], now: number, ms: number): Event[] {
  return events.filter((e) => e.validation === undefined && second(e) > now - ms);
}
