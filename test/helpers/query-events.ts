import { env, exports } from "cloudflare:workers";
import type { WireEvent } from "../../schemas/collector-rpc";
import type { Env } from "../../schemas/config/env";
import type { EventEnvelope } from "../../schemas/event-envelope";
import type { Importance } from "../../schemas/importance";
import { router } from "../../tail-worker/http/router";

/** An archived event as queries see it; `sampleRate` is set by sampling (absent = 1). */
export type QueryEvent = EventEnvelope & { sampleRate?: number };

let seq = 0;

/** A named (wide) event envelope, as the tail worker archives a producer's `_event` log. */
export function namedEvent(
  type: string,
  timestamp: number,
  data: Record<string, unknown>,
  options: { importance?: Importance; sampleRate?: number; script?: string } = {},
): QueryEvent {
  const n = ++seq;
  return {
    id: `q${n.toString(36).padStart(6, "0")}-1`,
    invocationId: `q${n.toString(36).padStart(6, "0")}`,
    type,
    kind: "log",
    importance: options.importance ?? 2,
    timestamp,
    script: options.script ?? "query-test",
    namespace: null,
    level: "log",
    data: { _event: type, ...data },
    ...(options.sampleRate === undefined ? {} : { sampleRate: options.sampleRate }),
  };
}

/** Envelopes as the wire events the tail worker hands to the collector. */
export function toWire(events: readonly QueryEvent[]): WireEvent[] {
  return events.map((event) => ({
    id: event.id,
    importance: event.importance,
    timestamp: event.timestamp,
    type: event.type,
    kind: event.kind,
    namespace: event.namespace,
    asText: false,
    json: JSON.stringify(event),
  }));
}

/**
 * Writes events straight into R2 as one archive object, with the key and metadata a flush would
 * give them (overridable, to test pruning on what the listing says).
 */
export async function putArchive(
  events: readonly QueryEvent[],
  options: { importance?: Importance; key?: string; metadata?: Record<string, string> } = {},
): Promise<string> {
  const importance = options.importance ?? events[0]?.importance ?? 2;
  const times = events.map((e) => e.timestamp);
  const first = Math.min(...times);
  const last = Math.max(...times);
  const at = new Date(first).toISOString();
  const key =
    options.key ??
    `tail-events/${at.slice(0, 10)}/importance-${importance}/${at.slice(11, 13)}-${at.slice(14, 16)}-t${(++seq).toString(36)}.json`;
  const body = JSON.stringify(events);
  await env.ARCHIVE.put(key, body, {
    customMetadata: {
      eventCount: String(events.length),
      bytes: String(new TextEncoder().encode(body).length),
      importance: String(importance),
      firstEventAt: new Date(first).toISOString(),
      lastEventAt: new Date(last).toISOString(),
      ...options.metadata,
    },
  });
  return key;
}

export interface QueryAnswer {
  rows: Record<string, unknown>[];
  scanned: { objects: number; bytes: number; events: number; buffered: number };
  truncated: boolean;
  total: number;
  error?: { status: number; message: string; details?: unknown };
}

/** POST /query through the worker's fetch handler. */
export async function postQuery(body: unknown): Promise<{ status: number; body: QueryAnswer }> {
  const res = await exports.default.fetch("http://do-tail/query", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  return { status: res.status, body: (await res.json()) as QueryAnswer };
}

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

/** POST /query through the router with an environment of the test's own (a wrapped binding). */
export async function queryWith(environment: Env, body: unknown): Promise<{ status: number; body: QueryAnswer }> {
  const res = await router.fetch(new Request("http://do-tail/query", { method: "POST", body: JSON.stringify(body) }), environment, ctx);
  return { status: res.status, body: (await res.json()) as QueryAnswer };
}

/** GET through the worker's fetch handler. */
export async function getJson<T = QueryAnswer>(path: string): Promise<{ status: number; body: T }> {
  const res = await exports.default.fetch(`http://do-tail${path}`);
  return { status: res.status, body: (await res.json()) as T };
}

export { seededRandom } from "../../scripts/lib/seeded-random.mjs";

export function pickFrom<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

/**
 * Nearest-rank percentile computed the plain way, independently of the engine: every event is
 * repeated as many times as its (whole) weight, the copies sorted, the value at rank
 * ceil(percent × n / 100) (integer arithmetic, so 95 × 60 / 100 is exactly 57).
 */
export function expandedPercentile(pairs: readonly { value: number; weight: number }[], percent: number): number | null {
  const copies: number[] = [];
  for (const { value, weight } of pairs) for (let i = 0; i < weight; i++) copies.push(value);
  if (copies.length === 0) return null;
  copies.sort((a, b) => a - b);
  return copies[Math.max(1, Math.ceil((percent * copies.length) / 100)) - 1]!;
}
