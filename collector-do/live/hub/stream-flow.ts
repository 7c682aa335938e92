import { utf8ByteLength } from "../../../schemas/lib/utf8";
import { LIVE_BUFFER_BYTES, LIVE_DEFAULT_BUFFER_EVENTS, type LiveAck } from "../../../schemas/live/protocol";
import type { LiveFilter } from "../../../schemas/live/streams";

/** One `events` message carries at most this much, so that no client meets a huge frame. */
const MAX_MESSAGE_BYTES = 262_144;

/**
 * A stream's state, kept as its WebSocket's attachment so that it survives hibernation: the
 * filter, and the flow control of its bounded buffer (events sent and acknowledged, cumulative).
 */
export interface StreamState {
  id: string;
  /** Null until the client's first `subscribe`: nothing flows before. */
  filter: LiveFilter | null;
  /** Most events sent and not yet acknowledged. */
  buffer: number;
  /** Skipped events the next `skipped` marker may carry. */
  samples: number;
  sent: LiveAck;
  acked: LiveAck;
  /** Matched events this stream missed since its last marker. */
  skipped: number;
  /**
   * The version of the stream set that first held the current filter: a delivery a shard matched
   * against an older set holds the old filter's events, which the client no longer asked for.
   */
  since?: number;
}

export function newStreamState(id: string): StreamState {
  return {
    id,
    filter: null,
    buffer: LIVE_DEFAULT_BUFFER_EVENTS,
    samples: 0,
    sent: { events: 0, bytes: 0 },
    acked: { events: 0, bytes: 0 },
    skipped: 0,
  };
}

/** A reservoir of skipped events (uniform over every skipped event since the last marker). */
export class SkipSamples {
  private seen = 0;
  private items: string[] = [];

  constructor(private readonly size: number) {}

  offer(json: string): void {
    if (this.size === 0) return;
    this.seen++;
    if (this.items.length < this.size) this.items.push(json);
    else {
      const slot = Math.floor(Math.random() * this.seen);
      if (slot < this.size) this.items[slot] = json;
    }
  }

  /** The samples so far, and starts a new reservoir for the next gap. */
  take(): string[] {
    const items = this.items;
    this.items = [];
    this.seen = 0;
    return items;
  }
}

/** The messages that carry `events` to a stream now, and how many it must skip. */
export interface FlowPlan {
  /** Whole messages, in order (a `skipped` marker first when one is due). */
  messages: string[];
  /** Events sent; the rest of the offered ones are skipped. */
  sentEvents: number;
}

/**
 * Sends what the stream's buffer has room for, in order, and counts the rest as skipped: once one
 * event is skipped, every later one of this delivery is too, so that a marker always sits where
 * the gap is. A marker for an earlier gap goes first, as soon as the buffer has room again. One
 * event larger than the byte budget still goes when nothing else is in flight. `sizeOf` answers an
 * event's UTF-8 size: the hub counts each event of a delivery once, whatever the streams it goes to.
 */
export function planDelivery(
  state: StreamState,
  events: readonly string[],
  samples: SkipSamples | undefined,
  sizeOf: (index: number) => number = (index) => utf8ByteLength(events[index]!),
): FlowPlan {
  const messages: string[] = [];
  let inFlight = state.sent.events - state.acked.events;
  let inFlightBytes = state.sent.bytes - state.acked.bytes;
  if (state.skipped > 0 && inFlight < state.buffer) messages.push(skippedMarker(state, samples));
  let batch: string[] = [];
  let batchBytes = 0;
  const flushBatch = () => {
    if (batch.length === 0) return;
    state.sent = { events: state.sent.events + batch.length, bytes: state.sent.bytes + batchBytes };
    messages.push(`{"type":"events","ack":${JSON.stringify(state.sent)},"events":[${batch.join(",")}]}`);
    batch = [];
    batchBytes = 0;
  };
  let sentEvents = 0;
  for (const [i, json] of events.entries()) {
    const size = sizeOf(i);
    const fits = state.skipped === 0 && inFlight < state.buffer && (inFlightBytes + size <= LIVE_BUFFER_BYTES || inFlight === 0);
    if (!fits) {
      state.skipped += events.length - i;
      for (const skipped of events.slice(i)) samples?.offer(skipped);
      break;
    }
    if (batch.length > 0 && batchBytes + size > MAX_MESSAGE_BYTES) flushBatch();
    batch.push(json);
    batchBytes += size;
    inFlight++;
    inFlightBytes += size;
    sentEvents++;
  }
  flushBatch();
  return { messages, sentEvents };
}

/** The client acknowledged up to `ack` (echoed from an `events` message); answers whether it was valid. */
export function acknowledge(state: StreamState, ack: unknown): boolean {
  const { events, bytes } = (ack ?? {}) as Partial<LiveAck>;
  const valid =
    Number.isSafeInteger(events) &&
    Number.isSafeInteger(bytes) &&
    events! >= state.acked.events &&
    events! <= state.sent.events &&
    bytes! >= state.acked.bytes &&
    bytes! <= state.sent.bytes;
  if (valid) state.acked = { events: events!, bytes: bytes! };
  return valid;
}

/** The `skipped` marker a stream is due, if its buffer has room for it now. */
export function dueMarker(state: StreamState, samples: SkipSamples | undefined): string | undefined {
  if (state.skipped === 0 || state.sent.events - state.acked.events >= state.buffer) return undefined;
  return skippedMarker(state, samples);
}

function skippedMarker(state: StreamState, samples: SkipSamples | undefined): string {
  const count = state.skipped;
  state.skipped = 0;
  const taken = samples?.take() ?? [];
  const carried = taken.length > 0 ? `,"samples":[${taken.join(",")}]` : "";
  return `{"type":"skipped","count":${count}${carried}}`;
}
