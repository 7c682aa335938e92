import type { WireEvent } from "../../schemas/collector-rpc";
import type { Env } from "../../schemas/config/env";
import { type BackoffPolicy, backoffDelayMs } from "../../schemas/lib/backoff";
import { errorMessage } from "../../schemas/lib/error-message";
import { LIVE_DELIVERY_INTERVAL_MS, LIVE_HUB_NAME, type LiveHubRpc, type LiveStreamSet } from "../../schemas/live/streams";
import type { StoredEventsTap } from "../stored-events";
import { PendingMatches } from "./pending-matches";
import { StreamMatcher } from "./stream-matcher";

/** Where a collector keeps the stream set the hub last pushed (its CollectorStore). */
export interface StreamSetStorage {
  loadLiveStreams(): LiveStreamSet;
  saveLiveStreams(set: LiveStreamSet): void;
}

/** After a delivery failed, the next waits this much longer (the hub may be restarting or overloaded). */
const FAILED_DELIVERY_BACKOFF: BackoffPolicy = { baseDelayMs: 500, maxDelayMs: 30_000, minDelayMs: 250 };

/**
 * The collector's side of `GET /live`: a stored-events tap (tapObserver). It matches each
 * call's stored events against the open streams' filters (which the hub pushes when they change,
 * kept in SQLite) and hands matches to the hub in one delivery per LIVE_DELIVERY_INTERVAL_MS at
 * most, only when something matched.
 *
 * Nothing here is awaited by an ingest: with no stream open the collector does not call it at
 * all (wantsEvents), and otherwise it does only the matching; the delivery runs on its own, and a
 * slow or failing hub costs at most the bounded pending matches (counted as skipped when they
 * cannot be carried).
 */
export class LiveTap implements StoredEventsTap {
  /** The hub as the collector calls it; a field so tests can observe or fail deliveries. */
  hub: () => LiveHubRpc;
  private set: LiveStreamSet | null = null;
  private matcher: StreamMatcher | null = null;
  private readonly pending = new PendingMatches();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dueAt = 0;
  private delivering = false;
  private lastDeliveryAt = 0;
  private failures = 0;

  constructor(
    private readonly store: StreamSetStorage,
    hub: () => LiveHubRpc,
  ) {
    this.hub = hub;
  }

  /** Some stream is open (the stored set is read on first use). */
  get wantsEvents(): boolean {
    try {
      return !this.current().empty;
    } catch (error) {
      console.error(`live: reading the stream set failed: ${errorMessage(error)}`);
      return false;
    }
  }

  /** Events a call stored, after they are stored. Never throws, never waits. */
  observe(events: readonly WireEvent[]): void {
    try {
      const matcher = this.current();
      if (matcher.empty || events.length === 0) return;
      matcher.match(events, this.pending);
      if (!this.pending.isEmpty) this.schedule();
    } catch (error) {
      // The batch is stored whatever happens here: a live stream must never fail an ingest.
      console.error(`live: matching failed: ${errorMessage(error)}`);
    }
  }

  /** Nothing matched is waiting or on its way to the hub (tests and the benchmark wait for this). */
  get idle(): boolean {
    return this.pending.isEmpty && this.timer === null && !this.delivering;
  }

  /** The hub's new set of open streams; an older one than held (pushes can cross) is ignored. */
  setStreams(set: LiveStreamSet): { version: number } {
    const held = this.set ?? this.store.loadLiveStreams();
    if (set.version > held.version) {
      this.store.saveLiveStreams(set);
      this.adopt(set);
    } else if (this.set === null) this.adopt(held);
    return { version: this.set!.version };
  }

  private current(): StreamMatcher {
    return this.matcher ?? this.adopt(this.store.loadLiveStreams());
  }

  private adopt(set: LiveStreamSet): StreamMatcher {
    this.set = set;
    this.matcher = new StreamMatcher(set.streams);
    this.pending.keepOnly(set.streams);
    return this.matcher;
  }

  /**
   * Delivers now when the interval since the last delivery has passed, else at its end. A timer
   * alone is not enough: while ingest calls keep the object busy the runtime may hold a due timer
   * back, so every stored batch also checks whether a delivery is due.
   */
  private schedule(): void {
    if (this.delivering) return;
    const backoff = this.failures === 0 ? 0 : backoffDelayMs(this.failures, FAILED_DELIVERY_BACKOFF);
    const dueAt = this.timer === null ? this.lastDeliveryAt + LIVE_DELIVERY_INTERVAL_MS + backoff : this.dueAt;
    if (Date.now() >= dueAt) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      void this.deliver();
      return;
    }
    if (this.timer !== null) return;
    this.dueAt = dueAt;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.deliver();
    }, dueAt - Date.now());
  }

  private async deliver(): Promise<void> {
    const delivery = this.pending.take(this.set?.version ?? 0);
    if (delivery === null) return;
    this.delivering = true;
    this.lastDeliveryAt = Date.now();
    try {
      const answer = await this.hub().deliver(delivery);
      this.failures = 0;
      // The hub holds a newer set than this shard (a push that failed, or streams it found closed).
      if (answer.set !== undefined) this.setStreams(answer.set);
    } catch (error) {
      this.failures++;
      // The streams are told how many matches they missed with the next delivery that arrives.
      for (const stream of delivery.streams) this.pending.skip(stream.id, stream.events.length + stream.skipped);
      console.warn(`live: delivery to the hub failed (${this.failures} in a row): ${errorMessage(error)}`);
    } finally {
      this.delivering = false;
      if (!this.pending.isEmpty) this.schedule();
    }
  }
}

/** The tap of a collector: its stored stream set, and the hub through the LIVE_HUB binding. */
export function liveTapOf(store: StreamSetStorage, env: Env): LiveTap {
  return new LiveTap(store, () => env.LIVE_HUB.get(env.LIVE_HUB.idFromName(LIVE_HUB_NAME)));
}
