import { DurableObject } from "cloudflare:workers";
import { allCollectorShards } from "../../../schemas/collector-shards";
import type { Env } from "../../../schemas/config/env";
import { backoffDelayMs } from "../../../schemas/lib/backoff";
import { utf8ByteLength } from "../../../schemas/lib/utf8";
import {
  LIVE_MAX_BUFFER_EVENTS,
  LIVE_MAX_SAMPLES,
  LIVE_MAX_STREAMS,
  LIVE_NONCE_HEADER,
  LIVE_SUBPROTOCOL,
  type LiveServerMessage,
  offeredProtocols,
} from "../../../schemas/live/protocol";
import type {
  LiveCollectorRpc,
  LiveDelivery,
  LiveDeliveryAnswer,
  LiveHubRpc,
  LiveStream,
  LiveStreamSet,
} from "../../../schemas/live/streams";
import { HubStorage } from "./hub-storage";
import { parseLiveFilter } from "./live-filter";
import { pushStreamSet } from "./shard-push";
import { acknowledge, dueMarker, newStreamState, planDelivery, SkipSamples, type StreamState } from "./stream-flow";

const OPEN = 1;
const PING = '{"type":"ping"}';
const PONG = '{"type":"pong"}';
/** Shards that missed a set are retried by the alarm, backing off while they keep failing. */
const UNTOLD_SHARD_BACKOFF = { baseDelayMs: 2_000, maxDelayMs: 60_000, minDelayMs: 1_000 };

/**
 * The live hub: one Durable Object holding every open `GET /live` WebSocket through the
 * hibernation API, so idle streams cost no duration. Each socket's attachment is its stream (id,
 * filter, flow control). When the set of streams changes the hub tells every collector shard;
 * shards hand it matched events (`deliver`), which it sends within each stream's bounded buffer.
 */
export class LiveHub extends DurableObject<Env> implements LiveHubRpc {
  private readonly storage: HubStorage;
  /** Reservoirs of skipped events, for streams that asked for samples (memory only: a hint, not a record). */
  private readonly samples = new Map<string, SkipSamples>();
  /** The collector shards as the hub reaches them; a field so tests can add shards or fail pushes. */
  shards: () => readonly LiveCollectorRpc[];

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.storage = new HubStorage(ctx.storage.sql);
    this.shards = () => allCollectorShards(this.env);
    // Keep-alive pings are answered by the runtime without waking the hub.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /** Opens a stream: the WebSocket upgrade of GET /live, passed on by the route once authorised. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return refusal(426, "GET /live takes a WebSocket upgrade");
    const nonce = /^([A-Za-z0-9_-]+)\.(\d+)$/.exec(request.headers.get(LIVE_NONCE_HEADER) ?? "");
    if (nonce && !this.storage.useTicket(nonce[1]!, Number(nonce[2]))) {
      return refusal(403, "this live ticket was used already: get a new one with POST /live/ticket for each connection");
    }
    if (this.ctx.getWebSockets().length >= LIVE_MAX_STREAMS)
      return refusal(429, `${LIVE_MAX_STREAMS} live streams are open, the most there may be; close one or try again later`);
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    const id = streamId();
    this.ctx.acceptWebSocket(server, [id]);
    server.serializeAttachment(newStreamState(id));
    const headers: HeadersInit = offeredProtocols(request).includes(LIVE_SUBPROTOCOL) ? { "sec-websocket-protocol": LIVE_SUBPROTOCOL } : {};
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    let parsed: unknown;
    try {
      parsed = typeof message === "string" ? JSON.parse(message) : undefined;
    } catch {
      parsed = undefined;
    }
    const msg = (parsed ?? {}) as { type?: unknown; filter?: unknown; buffer?: unknown; samples?: unknown; ack?: unknown };
    const state = ws.deserializeAttachment() as StreamState;
    switch (msg.type) {
      case "subscribe":
        return this.subscribe(ws, state, msg);
      case "ack": {
        if (!acknowledge(state, msg.ack))
          return send(ws, { type: "error", message: "ack: echo the ack of an events message you received" });
        const marker = dueMarker(state, this.samples.get(state.id));
        if (marker !== undefined) ws.send(marker);
        ws.serializeAttachment(state);
        return;
      }
      case "ping":
        return send(ws, { type: "pong" });
      default:
        return send(ws, {
          type: "error",
          message: 'messages are JSON objects with a type: "subscribe" (with a filter), "ack" or "ping"',
        });
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    await this.closed(ws, code);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.closed(ws, 1011);
  }

  /** Matched events from a shard: each stream gets what its buffer has room for, the rest is counted as skipped. */
  async deliver(delivery: LiveDelivery): Promise<LiveDeliveryAnswer> {
    let stale = false;
    const sizes: number[] = [];
    const sizeOf = (index: number) => (sizes[index] ??= utf8ByteLength(delivery.events[index]!));
    for (const entry of delivery.streams) {
      const ws = this.ctx.getWebSockets(entry.id)[0];
      const state = ws?.readyState === OPEN ? (ws.deserializeAttachment() as StreamState) : null;
      if (ws === undefined || state === null || state.filter === null) {
        stale = true;
        continue;
      }
      if (delivery.version < (state.since ?? 0)) continue;
      state.skipped += entry.skipped;
      const indexes = entry.events.filter((i) => delivery.events[i] !== undefined);
      const events = indexes.map((i) => delivery.events[i]!);
      const plan = planDelivery(state, events, this.samples.get(state.id), (i) => sizeOf(indexes[i]!));
      try {
        for (const message of plan.messages) ws.send(message);
      } catch {
        stale = true;
      }
      ws.serializeAttachment(state);
    }
    const published = this.storage.published();
    if (stale) return { set: (await this.publishStreams()).set };
    if (delivery.version !== published.version) return { set: { version: published.version, streams: this.openStreams() } };
    return {};
  }

  /** Retries telling the shards that missed the last set. */
  override async alarm(): Promise<void> {
    await this.publishStreams();
  }

  private async subscribe(ws: WebSocket, state: StreamState, msg: { filter?: unknown; buffer?: unknown; samples?: unknown }) {
    const parsed = parseLiveFilter(msg.filter);
    if ("error" in parsed) return send(ws, { type: "error", message: parsed.error });
    const buffer = msg.buffer ?? state.buffer;
    if (!Number.isInteger(buffer) || (buffer as number) < 1 || (buffer as number) > LIVE_MAX_BUFFER_EVENTS)
      return send(ws, { type: "error", message: `buffer: must be a whole number of events from 1 to ${LIVE_MAX_BUFFER_EVENTS}` });
    const samples = msg.samples ?? state.samples;
    if (!Number.isInteger(samples) || (samples as number) < 0 || (samples as number) > LIVE_MAX_SAMPLES)
      return send(ws, { type: "error", message: `samples: must be a whole number from 0 to ${LIVE_MAX_SAMPLES}` });
    state.filter = parsed.filter;
    state.buffer = buffer as number;
    state.samples = samples as number;
    ws.serializeAttachment(state);
    if (state.samples > 0) this.samples.set(state.id, new SkipSamples(state.samples));
    else this.samples.delete(state.id);
    const { set, ready, total } = await this.publishStreams();
    state.since = set.version;
    ws.serializeAttachment(state);
    send(ws, {
      type: "subscribed",
      stream: state.id,
      filter: state.filter,
      buffer: state.buffer,
      samples: state.samples,
      shards: { ready, total },
    });
  }

  private async closed(ws: WebSocket, code: number): Promise<void> {
    const state = ws.deserializeAttachment() as StreamState | null;
    if (state !== null) this.samples.delete(state.id);
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {
      // Closed already: nothing to answer.
    }
    await this.publishStreams(state?.id);
  }

  /** Subscribed streams on open sockets, by id. */
  private openStreams(closing?: string): LiveStream[] {
    const streams: LiveStream[] = [];
    for (const ws of this.ctx.getWebSockets()) {
      if (ws.readyState !== OPEN) continue;
      const state = ws.deserializeAttachment() as StreamState | null;
      if (state?.filter && state.id !== closing) streams.push({ id: state.id, filter: state.filter });
    }
    return streams.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /**
   * Tells the shards the open streams when they changed since the last set (or some shard missed
   * it); answers the set and how many shards hold it. Versions are the hub's clock, at least one
   * more than the last, so they keep growing even if the hub's storage were lost.
   */
  private async publishStreams(closing?: string): Promise<{ set: LiveStreamSet; ready: number; total: number }> {
    const shards = this.shards();
    const streams = this.openStreams(closing);
    const signature = JSON.stringify(streams);
    let published = this.storage.published();
    if (signature !== published.signature) {
      published = {
        version: Math.max(Date.now(), published.version + 1),
        signature,
        pending: shards.map((_, i) => i),
        failures: 0,
      };
      this.storage.savePublished(published);
    }
    const set = { version: published.version, streams };
    if (published.pending.length === 0) return { set, ready: shards.length, total: shards.length };
    const untold = await pushStreamSet(shards, published.pending, set);
    // Another change may have published a newer set meanwhile: its own push owns the bookkeeping.
    const now = this.storage.published();
    if (now.version === published.version) {
      const failures = untold.length === 0 ? 0 : now.failures + 1;
      this.storage.savePublished({
        ...now,
        pending: now.pending.filter((i) => untold.includes(i) || !published.pending.includes(i)),
        failures,
      });
      if (untold.length > 0) await this.ctx.storage.setAlarm(Date.now() + backoffDelayMs(failures, UNTOLD_SHARD_BACKOFF));
    }
    return { set, ready: shards.length - untold.length, total: shards.length };
  }
}

/** A stream not opened: the status and why, as text (the HTTP route answers it as a problem). */
function refusal(status: number, message: string): Response {
  return new Response(message, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

function send(ws: WebSocket, message: LiveServerMessage): void {
  try {
    ws.send(JSON.stringify(message));
  } catch {
    // The client went away; its close event tidies up.
  }
}

function streamId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");
}
