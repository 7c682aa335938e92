import type { Scanned, ScanResult } from "../query/scan";
import type { AnalyticsEngineStatistics } from "./analytics-engine/sql-result";

/**
 * The answers of /insights/monitors/:id and /insights/fleet, whichever source made them: the
 * archive (archive-insights.ts) or Analytics Engine (analytics-engine/heartbeat-readings.ts).
 * `source` says which; the fields after it are the source's own.
 */
export const RECENT_HEARTBEATS = 100;

export interface InsightWindow {
  /** As asked (`24h`). */
  text: string;
  ms: number;
}

export interface MonitorHealth {
  monitorId: string;
  window: string;
  from: string;
  to: string;
  uptimePercent: number | null;
  /** Newest first, at most RECENT_HEARTBEATS. */
  heartbeats: Record<string, unknown>[];
  /** p95 latency of the checks that got an answer (up or degraded), per region; null where none did. */
  p95LatencyByRegion: Record<string, number | null>;
}

export interface FleetHealth {
  uptimePercent: number | null;
  avgLatencyMs: number | null;
  failures: number;
  heartbeats: number;
}

export interface FleetOverview {
  window: string;
  from: string;
  to: string;
  monitors: ({ monitorId: string } & FleetHealth)[];
  overall: FleetHealth;
}

export interface FromArchive {
  source: "archive";
  scanned: Scanned;
  /** Set when the window held more than a query reads: heartbeats of a sample of its objects, counts scaled. */
  sampled?: ScanResult["sampled"];
  /** Set when Analytics Engine was to answer and could not: why the archive answered instead. */
  fallback?: { from: "analytics-engine"; reason: string };
}

export interface FromAnalyticsEngine {
  source: "analytics-engine";
  analyticsEngine: AnalyticsEngineStatistics;
}

export type Sourced<T> = T & (FromArchive | FromAnalyticsEngine);
export type MonitorInsight = Sourced<MonitorHealth>;
export type FleetInsight = Sourced<FleetOverview>;

export function windowBounds(window: InsightWindow, now: number): { window: string; from: string; to: string } {
  return { window: window.text, from: new Date(now - window.ms).toISOString(), to: new Date(now).toISOString() };
}
