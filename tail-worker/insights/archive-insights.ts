import { HEARTBEAT_STATUSES, Heartbeat } from "../../schemas/catalog/heartbeats";
import type { Env } from "../../schemas/config/env";
import type { Condition } from "../../schemas/filter/condition";
import { fieldPath } from "../../schemas/filter/field-path";
import { EventsCollector } from "../query/events-collector";
import { Aggregator, type Row } from "../query/grouping";
import type { AggregateSpec } from "../query/query-schema";
import { scan } from "../query/scan";
import {
  type FleetHealth,
  type FleetOverview,
  type FromArchive,
  type InsightWindow,
  type MonitorHealth,
  RECENT_HEARTBEATS,
  windowBounds,
} from "./insight-shapes";

/**
 * Monitor insights from the archive's `heartbeat` events (schemas/catalog/heartbeats.ts), on the
 * query engine: one scan per answer. A check is available when its status is `up` or `degraded`
 * (slow is still up, as in the Analytics Engine mapping) and a failure when it is `down`; uptime %
 * is the weighted share of available checks, and latency percentiles are those of available
 * checks (a timeout's latency is the timeout). Every heartbeat counts with its weight
 * (`sampleRate`); heartbeats that failed their schema do not count, as they are not forwarded to
 * Analytics Engine either, so both sources answer the same question. A window holding more than a
 * query may read is answered from a bounded sample of its objects (`sampled`).
 */
const FIELD = {
  monitorId: "monitorId",
  region: "region",
  status: "status",
  latencyMs: "latencyMs",
} as const satisfies Record<string, keyof typeof Heartbeat.entries>;

export const HEARTBEAT_EVENT = Heartbeat.entries._event.literal;
type Status = (typeof HEARTBEAT_STATUSES)[number];
const FAILURE_STATUSES: readonly Status[] = ["down"];
const AVAILABLE_STATUSES: readonly Status[] = HEARTBEAT_STATUSES.filter((s) => !FAILURE_STATUSES.includes(s));

const isValidHeartbeat: Condition[] = [
  { field: "type", op: "eq", value: HEARTBEAT_EVENT },
  { field: "validation", op: "exists", value: false },
];
const isAvailable: Condition = { field: FIELD.status, op: "in", value: [...AVAILABLE_STATUSES] };

const spec = (fn: AggregateSpec["fn"], name: string, field?: string, where: Condition[] = []): AggregateSpec => ({
  fn,
  name,
  ...(field === undefined ? {} : { field: fieldPath(field) }),
  where,
});
const HEALTH_AGGREGATES: AggregateSpec[] = [
  spec("count", "heartbeats"),
  spec("count", "available", undefined, [isAvailable]),
  spec("count", "failures", undefined, [{ field: FIELD.status, op: "in", value: [...FAILURE_STATUSES] }]),
  spec("avg", "avgLatencyMs", FIELD.latencyMs),
];

export async function monitorInsight(env: Env, monitorId: string, window: InsightWindow): Promise<MonitorHealth & FromArchive> {
  const now = Date.now();
  const range = { from: now - window.ms, to: now };
  const recent = new EventsCollector([], RECENT_HEARTBEATS);
  const health = new Aggregator([], HEALTH_AGGREGATES);
  const byRegion = new Aggregator([fieldPath(FIELD.region)], [spec("p95", "p95", FIELD.latencyMs, [isAvailable])]);
  const result = await scan(
    env,
    { range, where: [...isValidHeartbeat, { field: FIELD.monitorId, op: "eq", value: monitorId }], includeBuffered: true, sample: true },
    [recent, health, byRegion],
  );
  const [totals] = health.rows([], 1).rows;
  const p95LatencyByRegion: Record<string, number | null> = {};
  for (const row of byRegion.rows([{ field: FIELD.region, dir: "asc" }], 10_000).rows)
    p95LatencyByRegion[String(row[FIELD.region])] = row.p95 as number | null;
  return {
    monitorId,
    ...windowBounds(window, now),
    uptimePercent: uptime(totals!),
    heartbeats: recent.rows().rows.map(heartbeatView),
    p95LatencyByRegion,
    source: "archive",
    scanned: result.scanned,
    ...(result.sampled ? { sampled: result.sampled } : {}),
  };
}

export async function fleetInsight(env: Env, window: InsightWindow): Promise<FleetOverview & FromArchive> {
  const now = Date.now();
  const range = { from: now - window.ms, to: now };
  const perMonitor = new Aggregator([fieldPath(FIELD.monitorId)], HEALTH_AGGREGATES);
  const overall = new Aggregator([], HEALTH_AGGREGATES);
  const result = await scan(env, { range, where: isValidHeartbeat, includeBuffered: true, sample: true }, [perMonitor, overall]);
  return {
    ...windowBounds(window, now),
    monitors: perMonitor
      .rows([{ field: FIELD.monitorId, dir: "asc" }], 10_000)
      .rows.map((row) => ({ monitorId: String(row[FIELD.monitorId]), ...health(row) })),
    overall: health(overall.rows([], 1).rows[0]!),
    source: "archive",
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
