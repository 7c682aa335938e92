import { errorMessage } from "../../schemas/lib/error-message";
import { type RetryPolicy, retry } from "../../schemas/lib/retry";
import type { LiveCollectorRpc, LiveStreamSet } from "../../schemas/live/streams";

/** A shard that does not answer now is retried by the hub's alarm, so the subscriber is not kept waiting long. */
const PUSH_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

/**
 * Tells the shards at `indexes` the open streams; answers the indexes that could not be told
 * (each error is logged). One RPC per shard and change, never per event.
 */
export async function pushStreamSet(
  shards: readonly LiveCollectorRpc[],
  indexes: readonly number[],
  set: LiveStreamSet,
): Promise<number[]> {
  const outcomes = await Promise.all(
    indexes.map(async (index) => {
      const shard = shards[index];
      if (shard === undefined) return { index, ok: true };
      const outcome = await retry(PUSH_RETRY, async () => {
        try {
          return { ok: true as const, value: await shard.setLiveStreams(set) };
        } catch (error) {
          return { ok: false as const, error: errorMessage(error) };
        }
      });
      if (!outcome.ok) console.error(`live: shard ${index} did not take the stream set (version ${set.version}): ${outcome.error}`);
      return { index, ok: outcome.ok };
    }),
  );
  return outcomes.filter((o) => !o.ok).map((o) => o.index);
}
