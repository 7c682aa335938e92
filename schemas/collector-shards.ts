import { loadConfig } from "./config/config";
import type { Env } from "./config/env";
import { errorMessage } from "./lib/error-message";

/**
 * How the collector shards are reached by whoever fans out to them: the HTTP API (stats, flush,
 * buffered reads), the tail worker's delivery, and the live hub (its stream set).
 */

/** Shard i is the TailCollector named `collector-<i>`. */
export function collectorShard(env: Env, index: number) {
  return env.TAIL_COLLECTOR.get(env.TAIL_COLLECTOR.idFromName(`collector-${index}`));
}

/** Every shard, for the callers that fan out. */
export function allCollectorShards(env: Env) {
  return Array.from({ length: loadConfig(env).shardCount }, (_, index) => collectorShard(env, index));
}

/** One shard's part in a fanned-out call: what it answered, or why it did not. */
export type ShardAnswer<T> = { shard: number; ok: true; value: T } | { shard: number; ok: false; error: string };

/**
 * Calls every shard at once and waits for all: a shard that cannot be reached (or throws) is
 * answered with its error, and the others still count.
 */
export function askEveryShard<T>(shards: number, call: (shard: number) => Promise<T>): Promise<ShardAnswer<T>[]> {
  return askShards(
    Array.from({ length: shards }, (_, shard) => shard),
    call,
  );
}

/** askEveryShard for some of the shards only (those at `indexes`), answered in that order. */
export async function askShards<T>(indexes: readonly number[], call: (shard: number) => Promise<T>): Promise<ShardAnswer<T>[]> {
  const settled = await Promise.allSettled(indexes.map((shard) => Promise.resolve().then(() => call(shard))));
  return settled.map((outcome, i) => {
    const shard = indexes[i]!;
    return outcome.status === "fulfilled"
      ? { shard, ok: true, value: outcome.value }
      : { shard, ok: false, error: errorMessage(outcome.reason) };
  });
}
