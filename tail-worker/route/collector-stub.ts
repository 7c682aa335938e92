import { loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";

/** Shard i is the TailCollector named `collector-<i>`. */
export function collectorShard(env: Env, index: number) {
  return env.TAIL_COLLECTOR.get(env.TAIL_COLLECTOR.idFromName(`collector-${index}`));
}

/** Every shard, for the routes that fan out (stats, flush). */
export function allCollectorShards(env: Env) {
  return Array.from({ length: loadConfig(env).shardCount }, (_, index) => collectorShard(env, index));
}

/**
 * The shard of a tail invocation, from its first event's id: ids start with a hash, so shards get
 * an even share, and the same invocation always lands on the same shard (retries dedupe there).
 */
export function shardOf(eventId: string, shardCount: number): number {
  return Number.parseInt(eventId.slice(0, 8), 16) % shardCount || 0;
}
