import * as v from "valibot";

/**
 * Uptime-monitor heartbeats (AE telemetry handoff notes): one per monitor check, carrying the
 * monitor id, org, region, status, latency and the dispatch id of the round that ran it. The
 * notes want uptime % over a window and p95 latency per monitor and region, under a minute behind.
 */
export const HEARTBEAT_STATUSES = ["up", "degraded", "down"] as const;

export const Heartbeat = v.looseObject({
  _event: v.literal("heartbeat"),
  timestamp: v.number(),
  monitorId: v.string(),
  orgId: v.string(),
  region: v.string(),
  status: v.picklist(HEARTBEAT_STATUSES),
  /** Time to the check's answer, or to giving up on it. */
  latencyMs: v.number(),
  /** The dispatch round that ran this check; one round checks every monitor in every region. */
  dispatchId: v.string(),
  statusCode: v.optional(v.number()),
  error: v.optional(v.string()),
  url: v.optional(v.string()),
});

export const HEARTBEAT_EVENTS = { heartbeat: Heartbeat } as const;
