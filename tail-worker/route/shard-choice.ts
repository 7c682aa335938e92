/**
 * The shard of a tail invocation, from its first event's id: ids start with a hash, so shards get
 * an even share, and the same invocation always lands on the same shard (retries dedupe there).
 */
export function shardOf(eventId: string, shardCount: number): number {
  return Number.parseInt(eventId.slice(0, 8), 16) % shardCount || 0;
}
