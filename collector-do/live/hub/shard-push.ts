import { askShards } from "../../../schemas/collector-shards";
import { errorMessage } from "../../../schemas/lib/error-message";
import { type RetryPolicy, retry } from "../../../schemas/lib/retry";
import type { LiveCollectorRpc, LiveStreamSet } from "../../../schemas/live/streams";

/** A shard that does not answer now is retried by the hub's alarm, so the subscriber is not kept waiting long. */
const PUSH_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

/**
 * Tells the shards at `indexes` the open streams, all at once (askShards, as /stats and /flush
 * ask every shard); answers the indexes that could not be told (each error is logged). One RPC
 * per shard and change, never per event.
 */
export async function pushStreamSet(
  shards: readonly LiveCollectorRpc[],
  indexes: readonly number[],
  set: LiveStreamSet,
): Promise<number[]> {
  const answers = await askShards(indexes, async (index) => {
    const shard = shards[index];
    // A shard past the current count (SHARD_COUNT was lowered) has nothing to be told.
    if (shard === undefined) return;
    const outcome = await retry(PUSH_RETRY, async () => {
      try {
        return { ok: true as const, value: await shard.setLiveStreams(set) };
      } catch (error) {
        return { ok: false as const, error: errorMessage(error) };
      }
    });
    if (!outcome.ok) throw new Error(outcome.error);
  });
  const untold = answers.filter((answer) => !answer.ok);
  for (const answer of untold)
    if (!answer.ok) console.error(`live: shard ${answer.shard} did not take the stream set (version ${set.version}): ${answer.error}`);
  return untold.map((answer) => answer.shard);
}
