import {
  LIVE_SHARD_MAX_BYTES,
  LIVE_SHARD_MAX_BYTES_PER_STREAM,
  LIVE_SHARD_MAX_EVENTS_PER_STREAM,
  type LiveDelivery,
  type LiveStream,
} from "../../schemas/live/streams";

interface StreamMatches {
  events: number[];
  bytes: number;
  skipped: number;
}

/**
 * Matches waiting for the next delivery to the hub, bounded: each event is held once whatever the
 * streams it matches; past a stream's bounds (or the shard's), a match is only counted as skipped,
 * so a burst or an unreachable hub costs the collector a fixed amount of memory. Sizes are counted
 * in UTF-16 units (what the strings take in memory, and the UTF-8 bytes of ASCII JSON) so that the
 * hot path never walks an event's text to count it.
 */
export class PendingMatches {
  private events: string[] = [];
  private sizes: number[] = [];
  private bytes = 0;
  private streams = new Map<string, StreamMatches>();

  get isEmpty(): boolean {
    return this.streams.size === 0;
  }

  /**
   * Adds an event to `stream`'s matches. `held` is the event's index when an earlier stream
   * already holds it (-1 otherwise), so that it is held once. Answers the event's index, or -1
   * when it is not held (counted as skipped for this stream).
   */
  add(stream: string, json: string, held: number): number {
    const matches = this.matchesOf(stream);
    const size = held >= 0 ? this.sizes[held]! : json.length;
    const full =
      matches.events.length >= LIVE_SHARD_MAX_EVENTS_PER_STREAM ||
      matches.bytes + size > LIVE_SHARD_MAX_BYTES_PER_STREAM ||
      (held < 0 && this.bytes + size > LIVE_SHARD_MAX_BYTES);
    if (full) {
      matches.skipped++;
      return held;
    }
    let index = held;
    if (index < 0) {
      index = this.events.push(json) - 1;
      this.sizes.push(size);
      this.bytes += size;
    }
    matches.events.push(index);
    matches.bytes += size;
    return index;
  }

  /** Counts matches that never reached the hub (a delivery that failed) as skipped. */
  skip(stream: string, count: number): void {
    if (count > 0) this.matchesOf(stream).skipped += count;
  }

  /** Everything pending as one delivery, and starts afresh; null when nothing is pending. */
  take(version: number): LiveDelivery | null {
    if (this.isEmpty) return null;
    const delivery: LiveDelivery = {
      version,
      events: this.events,
      streams: [...this.streams].map(([id, m]) => ({ id, events: m.events, skipped: m.skipped })),
    };
    this.events = [];
    this.sizes = [];
    this.bytes = 0;
    this.streams = new Map();
    return delivery;
  }

  /** Drops what is pending for streams that are no longer open. */
  keepOnly(streams: readonly LiveStream[]): void {
    const open = new Set(streams.map((s) => s.id));
    for (const id of [...this.streams.keys()]) if (!open.has(id)) this.streams.delete(id);
    if (this.streams.size === 0) this.take(0);
  }

  private matchesOf(stream: string): StreamMatches {
    let matches = this.streams.get(stream);
    if (matches === undefined) {
      matches = { events: [], bytes: 0, skipped: 0 };
      this.streams.set(stream, matches);
    }
    return matches;
  }
}
