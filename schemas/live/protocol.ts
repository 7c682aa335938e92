import type { EventEnvelope } from "../event-envelope";
import type { LiveFilter } from "./streams";

/**
 * The WebSocket protocol of `GET /live`, between a client (CLI, dashboard) and the live hub. Every
 * message is one JSON object with a `type`.
 *
 * client → hub
 * - `subscribe`: sets (or replaces) the stream's filter; nothing flows before the first one.
 *   `filter` is an object ({type, importance, script, where}) or the filter box's text.
 * - `ack`: echoes the `ack` of the last `events` message handled; frees the stream's buffer.
 * - `ping`: answered `pong` by the runtime without waking the hub.
 *
 * hub → client
 * - `subscribed`: the filter as the hub understood it, once every shard has it (`shards.ready`).
 * - `events`: matched events, oldest first, with the `ack` to echo.
 * - `skipped`: how many matched events this stream did not get because its buffer was full (a
 *   slow client) or a shard's bounds were reached, with up to `samples` of them when asked for.
 * - `error`: a refused message (the stream keeps its previous filter).
 */

/** Offered by the client as a WebSocket subprotocol and chosen by the hub. */
export const LIVE_SUBPROTOCOL = "do-tail.live.v1";
/** A second offered subprotocol, `ticket.<ticket>`, carries the ticket of POST /live/ticket. */
export const LIVE_TICKET_PROTOCOL_PREFIX = "ticket.";
/** The header the HTTP route hands the hub a verified ticket's nonce in (`<nonce>.<expires>`), for the hub to use it up. */
export const LIVE_NONCE_HEADER = "x-do-tail-live-nonce";

/** The subprotocols a WebSocket client offered. */
export function offeredProtocols(request: Request): string[] {
  return (request.headers.get("sec-websocket-protocol") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

/** Events sent but not acknowledged, per stream: the bounded buffer. `subscribe` may set 1 to MAX. */
export const LIVE_DEFAULT_BUFFER_EVENTS = 1_000;
export const LIVE_MAX_BUFFER_EVENTS = 5_000;
/** Bytes sent but not acknowledged, per stream, whatever the event count. */
export const LIVE_BUFFER_BYTES = 1_048_576;
/** Skipped events a `skipped` marker can carry as samples, when the client asks. */
export const LIVE_MAX_SAMPLES = 20;
/** Open streams at once; more are refused (close code 1013, try again later). */
export const LIVE_MAX_STREAMS = 50;

export interface LiveFilterInput {
  type?: string | string[];
  importance?: string | number | (string | number)[];
  script?: string | string[];
  /** /query conditions, or `field=value` text (`!=`, `>`, `>=`, `<`, `<=`, `~` contains). */
  where?: unknown[];
}

export type LiveClientMessage =
  | { type: "subscribe"; filter?: LiveFilterInput | string; buffer?: number; samples?: number }
  | { type: "ack"; ack: LiveAck }
  | { type: "ping" };

/** Cumulative events and bytes sent to the stream up to and including one `events` message. */
export interface LiveAck {
  events: number;
  bytes: number;
}

export type LiveServerMessage =
  | { type: "subscribed"; stream: string; filter: LiveFilter; buffer: number; samples: number; shards: { ready: number; total: number } }
  | { type: "events"; ack: LiveAck; events: EventEnvelope[] }
  | { type: "skipped"; count: number; samples?: EventEnvelope[] }
  | { type: "error"; message: string }
  | { type: "pong" };
