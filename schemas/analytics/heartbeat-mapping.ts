import { defineMapping, type MappingInput } from "./mapping";

/**
 * Heartbeats, laid out for the handoff notes' questions:
 * - uptime % per monitor and region over a window:
 *   `SUM(_sample_interval * double2) / SUM(_sample_interval)` grouped by blob2, blob4;
 * - p95 latency per monitor and region: `quantileWeighted(0.95)(double1, _sample_interval)`;
 * - recent heartbeats of one monitor: `WHERE index1 = '<monitorId>' ORDER BY timestamp DESC`.
 *
 * blobs   [event, monitorId, orgId, region, status, dispatchId, error]
 * doubles [latencyMs, available, statusCode]
 * index   monitorId: every check of a monitor shares it, and per-monitor queries filter on it.
 *
 * `available` is 1 when the check answered (`up` or `degraded`: slow is still up) and 0 when it
 * did not (`down`), so uptime is its weighted mean.
 */
const available = { name: "available", read: ({ data }: MappingInput) => data.status === "up" || data.status === "degraded" };

export const HEARTBEAT_MAPPING = defineMapping("heartbeat", {
  blobs: ["_event", "monitorId", "orgId", "region", "status", "dispatchId", "error"],
  doubles: ["latencyMs", available, "statusCode"],
  index: "monitorId",
});
