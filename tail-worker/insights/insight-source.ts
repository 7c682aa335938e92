import { loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import { errorMessage } from "../../schemas/lib/error-message";
import { fleetInsightFromAnalyticsEngine, monitorInsightFromAnalyticsEngine } from "./analytics-engine/heartbeat-readings";
import type { AnalyticsEngineSource } from "./analytics-engine/sql-result";
import { fleetInsight, HEARTBEAT_EVENT, monitorInsight } from "./archive-insights";
import type { FleetInsight, FromArchive, InsightWindow, MonitorInsight } from "./insight-shapes";

/**
 * Which source answers /insights. Analytics Engine, when it holds the heartbeats: the Analytics
 * SQL binding (ANALYTICS_SQL) is there, forwarding is on (ANALYTICS_ENABLED) and the heartbeat
 * mapping is not switched off. The archive otherwise, which is the case in local development
 * (Analytics Engine stores nothing locally). An Analytics Engine that fails, answers rows of
 * another shape or does not answer within ANALYTICS_ENGINE_TIMEOUT_MS costs only the source: the
 * archive answers, and says why in `fallback`.
 */
export const ANALYTICS_ENGINE_TIMEOUT_MS = 10_000;
/** A fallback's reason is the engine's error message, cut to this many characters. */
const MAX_REASON_CHARS = 500;

export function analyticsEngineSource(env: Env): AnalyticsEngineSource | undefined {
  const config = loadConfig(env);
  if (env.ANALYTICS_SQL === undefined || !config.analyticsEnabled || config.analyticsMappingsDisabled.has(HEARTBEAT_EVENT))
    return undefined;
  return { binding: env.ANALYTICS_SQL, dataset: config.analyticsDataset };
}

export function monitorInsightFromEither(
  env: Env,
  monitorId: string,
  window: InsightWindow,
  timeoutMs = ANALYTICS_ENGINE_TIMEOUT_MS,
): Promise<MonitorInsight> {
  return either(
    env,
    (source) => monitorInsightFromAnalyticsEngine(source, monitorId, window),
    () => monitorInsight(env, monitorId, window),
    timeoutMs,
  );
}

export function fleetInsightFromEither(env: Env, window: InsightWindow, timeoutMs = ANALYTICS_ENGINE_TIMEOUT_MS): Promise<FleetInsight> {
  return either(
    env,
    (source) => fleetInsightFromAnalyticsEngine(source, window),
    () => fleetInsight(env, window),
    timeoutMs,
  );
}

async function either<A, B extends FromArchive>(
  env: Env,
  fromAnalyticsEngine: (source: AnalyticsEngineSource) => Promise<A>,
  fromArchive: () => Promise<B>,
  timeoutMs: number,
): Promise<A | B> {
  const source = analyticsEngineSource(env);
  if (source === undefined) return fromArchive();
  let reason: string;
  try {
    return await withTimeout(fromAnalyticsEngine(source), timeoutMs);
  } catch (error) {
    reason = errorMessage(error).slice(0, MAX_REASON_CHARS);
  }
  console.warn(`do-tail: Analytics Engine did not answer an insight, the archive did: ${reason}`);
  return { ...(await fromArchive()), fallback: { from: "analytics-engine", reason } };
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
