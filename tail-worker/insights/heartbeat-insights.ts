import { HEARTBEAT_STATUSES, Heartbeat } from "../../schemas/catalog/heartbeats";
import type { Env } from "../../schemas/config/env";
import type { Condition } from "../../schemas/filter/condition";
import { fieldPath } from "../../schemas/filter/field-path";
import { EventsCollector } from "../query/events-collector";
import { Aggregator, type Row } from "../query/grouping";
import type { AggregateSpec } from "../query/query-schema";
import { type Scanned, type ScanResult, scan } from "../query/scan";

/**
 * Monitor insights from `heartbeat` events (schemas/catalog/heartbeats.ts), on the query engine:
 * one scan per answer. A check is available when its status is `up` or `degraded` (slow is still
 * up, as in the Analytics Engine mapping) and a failure when it is `down`; uptime % is the weighted
 * share of available checks. Every heartbeat counts with its weight (`sampleRate`). A window
 * holding more than a query may read is answered from a bounded sample of its objects (`sampled`).
 */
const FIELD = {
  monitorId: "monitorId",
  region: "region",
  status: "status",
  latencyMs: "latencyMs",
} as const satisfies Record<string, keyof typeof Heartbeat.entries>;

export const HEARTBEAT_EVENT = Heartbeat.entries._event.literal;
type Status = (typeof HEARTBEAT_STATUSES)[number];
export const FAILURE_STATUSES: readonly Status[] = ["down"];
export const AVAILABLE_STATUSES: readonly Status[] = HEARTBEAT_STATUSES.filter((s) => !FAILURE_STATUSES.includes(s));

export const RECENT_HEARTBEATS = 100;

const isHeartbeat: Condition = { field: "type", op: "eq", value: HEARTBEAT_EVENT };

const spec = (fn: AggregateSpec["fn"], name: string, field?: string, where: Condition[] = []): AggregateSpec => ({
  fn,
  name,
  ...(field === undefined ? {} : { field: fieldPath(field) }),
  where,
});
const HEALTH_AGGREGATES: AggregateSpec[] = [
  spec("count", "heartbeats"),
  spec("count", "available", undefined, [{ field: FIELD.status, op: "in", value: [...AVAILABLE_STATUSES] }]),
  spec("count", "failures", undefined, [{ field: FIELD.status, op: "in", value: [...FAILURE_STATUSES] }]),
  spec("avg", "avgLatencyMs", FIELD.latencyMs),
];

export interface MonitorInsight {
  monitorId: string;
  window: string;
  from: string;
  to: string;
  uptimePercent: number | null;
  heartbeats: Record<string, unknown>[];
  p95LatencyByRegion: Record<string, number | null>;
  scanned: Scanned;
  /** Set when the window held more than a query reads: heartbeats of a sample of its objects, counts scaled. */
  sampled?: ScanResult["sampled"];
}

export async function monitorInsight(env: Env, monitorId: string, window: { text: string; ms: number }): Promise<MonitorInsight> {
  const now = Date.now();
  const range = { from: now - window.ms, to: now };
  const recent = new EventsCollector([], RECENT_HEARTBEATS);
  const health = new Aggregator([], HEALTH_AGGREGATES);
  const byRegion = new Aggregator([fieldPath(FIELD.region)], [spec("p95", "p95", FIELD.latencyMs)]);
  const result = await scan(
    env,
    { range, where: [isHeartbeat, { field: FIELD.monitorId, op: "eq", value: monitorId }], includeBuffered: true, sample: true },
    [recent, health, byRegion],
  );
  const [totals] = health.rows([], 1).rows;
  const p95LatencyByRegion: Record<string, number | null> = {};
  for (const row of byRegion.rows([{ field: FIELD.region, dir: "asc" }], 10_000).rows)
    p95LatencyByRegion[String(row[FIELD.region])] = row.p95 as number | null;
  return {
    monitorId,
    window: window.text,
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    uptimePercent: uptime(totals!),
    heartbeats: recent.rows().rows.map(heartbeatView),
    p95LatencyByRegion,
    scanned: result.scanned,
    ...(result.sampled ? { sampled: result.sampled } : {}),
  };
}

export interface FleetHealth {
  uptimePercent: number | null;
  avgLatencyMs: number | null;
  failures: number;
  heartbeats: number;
}

export interface FleetInsight {
  window: string;
  from: string;
  to: string;
  monitors: ({ monitorId: string } & FleetHealth)[];
  overall: FleetHealth;
  scanned: Scanned;
  sampled?: ScanResult["sampled"];
}

export async function fleetInsight(env: Env, window: { text: string; ms: number }): Promise<FleetInsight> {
  const now = Date.now();
  const range = { from: now - window.ms, to: now };
  const perMonitor = new Aggregator([fieldPath(FIELD.monitorId)], HEALTH_AGGREGATES);
  const overall = new Aggregator([], HEALTH_AGGREGATES);
  const result = await scan(env, { range, where: [isHeartbeat], includeBuffered: true, sample: true }, [perMonitor, overall]);
  return {
    window: window.text,
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    monitors: perMonitor
      .rows([{ field: FIELD.monitorId, dir: "asc" }], 10_000)
      .rows.map((row) => ({ monitorId: String(row[FIELD.monitorId]), ...health(row) })),
    overall: health(overall.rows([], 1).rows[0]!),
    scanned: result.scanned,
    ...(result.sampled ? { sampled: result.sampled } : {}),
  };
}

function health(row: Row): FleetHealth {
  return {
    uptimePercent: uptime(row),
    avgLatencyMs: row.avgLatencyMs as number | null,
    failures: row.failures as number,
    heartbeats: row.heartbeats as number,
  };
}

function uptime(row: Row): number | null {
  const heartbeats = row.heartbeats as number;
  return heartbeats > 0 ? ((row.available as number) / heartbeats) * 100 : null;
}

/** One heartbeat as the insights list it: the envelope's time and id, then the producer's fields. */
function heartbeatView(event: Row): Record<string, unknown> {
  const data = (event.data ?? {}) as Record<string, unknown>;
  // Named only to leave them out of `fields`: the type is known, and the envelope's time is shown.
  const { _event, timestamp: producerTimestamp, ...fields } = data;
  return {
    timestamp: event.timestamp,
    region: data[FIELD.region] ?? null,
    status: data[FIELD.status] ?? null,
    latencyMs: data[FIELD.latencyMs] ?? null,
    ...fields,
    id: event.id,
    ...(event.sampleRate === undefined ? {} : { sampleRate: event.sampleRate }),
  };
}
