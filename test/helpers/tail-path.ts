import { env } from "cloudflare:workers";
import { loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import type { EventEnvelope } from "../../schemas/event-envelope";
import { toWireEvents } from "../../tail-worker/tail-handler";

/** The archived JSON of each event the tail path makes of one TraceItem, under the test settings and `settings`. */
export function archivedJson(item: unknown, settings: Partial<Env> = {}): string[] {
  return toWireEvents([item], loadConfig({ ...env, ...settings } as Env), Date.now()).map((event) => event.json);
}

/** The same events, parsed. */
export function archivedEvents(item: unknown, settings: Partial<Env> = {}): EventEnvelope[] {
  return archivedJson(item, settings).map((json) => JSON.parse(json) as EventEnvelope);
}
