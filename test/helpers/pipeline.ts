import { env } from "cloudflare:workers";
import type { WireEvent } from "../../schemas/collector-rpc";
import { loadConfig } from "../../schemas/config/config";
import type { EventEnvelope } from "../../schemas/event-envelope";
import { toWireEvents as tailWireEvents } from "../../tail-worker/tail-handler";

/**
 * The tail worker's parse → classify → serialise steps for TraceItems, without delivering them:
 * what `handleTail` hands to the collector, for tests that drive the collector or inspect ids.
 */
export function toWireEvents(items: readonly unknown[], now = Date.now()): WireEvent[] {
  return tailWireEvents(items, loadConfig(env), now);
}

/** The archived events of wire events, as they will appear in R2. */
export function envelopes(events: readonly WireEvent[]): EventEnvelope[] {
  return events.map((event) => JSON.parse(event.json) as EventEnvelope);
}
