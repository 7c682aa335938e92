import * as v from "valibot";
import fleetSql from "../../../schemas/analytics/queries/monitor-fleet.sql";
import recentSql from "../../../schemas/analytics/queries/monitor-recent-heartbeats.sql";
import regionsSql from "../../../schemas/analytics/queries/monitor-regions.sql";
import {
  type FleetHealth,
  type FleetOverview,
  type FromAnalyticsEngine,
  type InsightWindow,
  type MonitorHealth,
  windowBounds,
} from "../insight-shapes";
import { AeNumber, AeTimestamp, type AnalyticsEngineSource, type AnalyticsEngineStatistics, runQuery } from "./sql-result";

/**
 * Monitor insights from Analytics Engine: the heartbeat data points (schemas/analytics/
 * heartbeat-mapping.ts) read with the query files below, weighted by Analytics Engine's sample
 * interval and each point's `sampleRate`, shaped as the archive's answers are
 * (../insight-shapes.ts). What a data point does not keep is not in the answer: listed heartbeats
 * have no event id, a missing status code reads 0 and a missing error is left out, and times are
 * whole seconds. A listed row may stand for several identical checks (`sampleInterval`).
 */
const REGIONS_QUERY = { name: "monitor-regions", sql: regionsSql };
const RECENT_QUERY = { name: "monitor-recent-heartbeats", sql: recentSql };
const FLEET_QUERY = { name: "monitor-fleet", sql: fleetSql };

const RegionRow = v.object({ region: v.string(), available: AeNumber, checks: AeNumber, p95_latency_ms: AeNumber });
const HeartbeatRow = v.object({
  timestamp: AeTimestamp,
  region: v.string(),
  status: v.string(),
  latency_ms: AeNumber,
  status_code: AeNumber,
  org_id: v.string(),
  dispatch_id: v.string(),
  error: v.string(),
  sample_rate: AeNumber,
  sample_interval: AeNumber,
});
const FleetRow = v.object({
  monitor_id: v.string(),
  checks: AeNumber,
  uptime_percent: AeNumber,
  avg_latency_ms: AeNumber,
  failed_checks: AeNumber,
});

/** Analytics Engine stamps a point in whole seconds: a window of part of a second reads the whole second. */
const windowSeconds = (window: InsightWindow) => Math.ceil(window.ms / 1000);

export async function monitorInsightFromAnalyticsEngine(
  source: AnalyticsEngineSource,
  monitorId: string,
  window: InsightWindow,
): Promise<MonitorHealth & FromAnalyticsEngine> {
  const now = Date.now();
  const statistics = newStatistics();
  const params = { monitorId, windowSeconds: windowSeconds(window) };
  const [regions, recent] = await Promise.all([
    runQuery(source, REGIONS_QUERY, params, RegionRow, statistics),
    runQuery(source, RECENT_QUERY, params, HeartbeatRow, statistics),
  ]);
  let checks = 0;
  let available = 0;
  const p95LatencyByRegion: Record<string, number | null> = {};
  for (const row of [...regions].sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0))) {
    checks += row.checks;
    p95LatencyByRegion[row.region] ??= null;
    if (row.available === 1) {
      available += row.checks;
      p95LatencyByRegion[row.region] = row.p95_latency_ms;
    }
  }
  return {
    monitorId,
    ...windowBounds(window, now),
    uptimePercent: checks > 0 ? (available / checks) * 100 : null,
    heartbeats: recent.map((row) => ({
      timestamp: row.timestamp,
      region: row.region,
      status: row.status,
      latencyMs: row.latency_ms,
      monitorId,
      orgId: row.org_id,
      dispatchId: row.dispatch_id,
      statusCode: row.status_code,
      ...(row.error === "" ? {} : { error: row.error }),
      ...(row.sample_rate === 1 ? {} : { sampleRate: row.sample_rate }),
      ...(row.sample_interval === 1 ? {} : { sampleInterval: row.sample_interval }),
    })),
    p95LatencyByRegion,
    source: "analytics-engine",
    analyticsEngine: statistics,
  };
}

export async function fleetInsightFromAnalyticsEngine(
  source: AnalyticsEngineSource,
  window: InsightWindow,
): Promise<FleetOverview & FromAnalyticsEngine> {
  const now = Date.now();
  const statistics = newStatistics();
  const rows = await runQuery(source, FLEET_QUERY, { windowSeconds: windowSeconds(window) }, FleetRow, statistics);
  const monitors = rows
    .map((row) => ({
      monitorId: row.monitor_id,
      uptimePercent: row.uptime_percent,
      avgLatencyMs: row.avg_latency_ms,
      failures: row.failed_checks,
      heartbeats: row.checks,
    }))
    .sort((a, b) => (a.monitorId < b.monitorId ? -1 : a.monitorId > b.monitorId ? 1 : 0));
  return { ...windowBounds(window, now), monitors, overall: overallOf(monitors), source: "analytics-engine", analyticsEngine: statistics };
}

/** The fleet as one: monitors' figures weighted by their checks. */
function overallOf(monitors: readonly FleetHealth[]): FleetHealth {
  const heartbeats = monitors.reduce((total, m) => total + m.heartbeats, 0);
  const weighted = (of: (m: FleetHealth) => number | null) =>
    heartbeats > 0 ? monitors.reduce((total, m) => total + (of(m) ?? 0) * m.heartbeats, 0) / heartbeats : null;
  return {
    uptimePercent: weighted((m) => m.uptimePercent),
    avgLatencyMs: weighted((m) => m.avgLatencyMs),
    failures: monitors.reduce((total, m) => total + m.failures, 0),
    heartbeats,
  };
}

function newStatistics(): AnalyticsEngineStatistics {
  return { queries: 0, rowsRead: 0, bytesRead: 0, elapsedMs: 0 };
}
