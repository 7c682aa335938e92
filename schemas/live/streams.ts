import type { Condition } from "../filter/condition";
import type { Importance } from "../importance";

/**
 * The contract between the live hub (one Durable Object holding every open stream's WebSocket) and
 * the collector shards: the hub tells each shard the open streams' filters when they change; a
 * shard matches the events it stores against them and hands matches to the hub in small batches.
 */

/** One stream's filter, validated and normalised by the hub. Every non-empty part must hold. */
export interface LiveFilter {
  /** `*` globs on the event type (case-insensitive); one must match. Empty: any type. */
  types: string[];
  /** Importance levels; the event's must be one of them. Empty: any. */
  importances: Importance[];
  /** `*` globs on the script name; one must match (a null script matches none). Empty: any. */
  scripts: string[];
  /** `/query` where conditions on any field of the event; all must hold. */
  where: Condition[];
}

export interface LiveStream {
  id: string;
  filter: LiveFilter;
}

/**
 * The open streams. `version` grows with every change (it is the hub's clock, at least one more
 * than the last), so a shard keeps the newest set whatever order pushes arrive in.
 */
export interface LiveStreamSet {
  version: number;
  streams: LiveStream[];
}

/** Matched events of one shard since its last delivery, each event once whatever the streams it matches. */
export interface LiveDelivery {
  /** The version of the set the shard matched against. */
  version: number;
  /** Each matched event's archived JSON, as stored. */
  events: string[];
  /** For each stream: indexes into `events`, and how many matches the shard could not carry (its bounds, a failed delivery). */
  streams: { id: string; events: number[]; skipped: number }[];
}

export interface LiveDeliveryAnswer {
  /** The hub's current set, when the shard matched against another version: the shard adopts it. */
  set?: LiveStreamSet;
}

/** What a collector shard answers the hub. */
export interface LiveCollectorRpc {
  /** Adopts `set` when it is newer than the shard's; answers the version the shard now holds. */
  setLiveStreams(set: LiveStreamSet): Promise<{ version: number }>;
}

/** What the live hub answers collector shards. */
export interface LiveHubRpc {
  deliver(delivery: LiveDelivery): Promise<LiveDeliveryAnswer>;
}

/** The hub is one object of this name. */
export const LIVE_HUB_NAME = "live-hub";

/**
 * Bounds on the collector side, per shard: matches wait at most this long before they are handed
 * to the hub (so an event reaches its stream well within a second), and a shard carries at most
 * this many events and bytes per stream and in all per delivery; more are counted as skipped.
 */
export const LIVE_DELIVERY_INTERVAL_MS = 250;
export const LIVE_SHARD_MAX_EVENTS_PER_STREAM = 1_000;
export const LIVE_SHARD_MAX_BYTES_PER_STREAM = 1_048_576;
export const LIVE_SHARD_MAX_BYTES = 4_194_304;
