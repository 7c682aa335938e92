import { DO_FRAMEWORK_MAPPINGS } from "./do-framework-mappings";
import { HEARTBEAT_MAPPING } from "./heartbeat-mapping";
import type { EventMapping } from "./mapping";
import { RUNTIME_MAPPINGS } from "./runtime-mappings";

/**
 * The per-event-type mapping table: which events are forwarded to Analytics Engine, and how each
 * becomes a data point. Layouts and their reasons live beside each group:
 * - runtime analytics events (Workers API document): runtime-mappings.ts;
 * - uptime heartbeats (handoff notes): heartbeat-mapping.ts;
 * - DO-framework namespaced events: do-framework-mappings.ts.
 *
 * The observability document's wide events (session_*, ws_*, error_*, sync_*, playback_*) are not
 * forwarded: they are meant to be sliced by any of their many fields, which the archive keeps
 * whole, while a data point holds 20 blobs chosen in advance.
 *
 * Every mapping is on while ANALYTICS_ENABLED is true; ANALYTICS_MAPPINGS_DISABLED switches
 * single ones off (see mapping-switches.ts).
 */
export const ANALYTICS_MAPPINGS: ReadonlyMap<string, EventMapping> = new Map(
  [...RUNTIME_MAPPINGS, HEARTBEAT_MAPPING, ...DO_FRAMEWORK_MAPPINGS].map((mapping) => [mapping.event, mapping]),
);

export function mappingFor(type: string): EventMapping | undefined {
  return ANALYTICS_MAPPINGS.get(type);
}
