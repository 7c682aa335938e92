import type { ArchivedAt } from "../../schemas/archive/listing";
import type { ArchivedHours } from "../../schemas/collector-rpc";
import { allCollectorShards } from "../../schemas/collector-shards";
import type { Env } from "../../schemas/config/env";
import { archivedAtOf } from "./archived-hours";
import { forEachArrayElementOfText } from "./json-array-stream";

/** Most bytes of buffered events read from one collector shard (one RPC answer, far below 32 MiB). */
export const BUFFERED_BYTES_PER_SHARD = 16 * 1024 * 1024;
/** Shards read at the same time: each answer is held until parsed. */
const SHARD_CONCURRENCY = 4;

export interface BufferedRead {
  /** Bytes of buffered events read, counted against QUERY_MAX_BYTES. */
  bytes: number;
  events: number;
  /** Some shard held more than its share of the budget: its newest events were left out. */
  truncated: boolean;
  /** When the shards last archived into each importance-hour, as they answered with their events. */
  archivedAt: ArchivedAt;
}

/**
 * Every shard's unflushed events, within `maxBytes` in all: each shard may answer its share
 * (at most BUFFERED_BYTES_PER_SHARD), a few shards at a time, each answer parsed as it arrives;
 * and the hours each archived into lately.
 */
export async function readBufferedEvents(
  env: Env,
  maxBytes: number,
  onEvent: (event: unknown, length: number) => void,
): Promise<BufferedRead> {
  const shards = allCollectorShards(env);
  const share = Math.max(1024, Math.min(BUFFERED_BYTES_PER_SHARD, Math.floor(maxBytes / shards.length)));
  const read = { bytes: 0, events: 0, truncated: false };
  const archived: ArchivedHours[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < shards.length; i = next++) {
      const answer = await shards[i]!.bufferedEvents(share);
      read.truncated ||= answer.truncated;
      archived.push(answer.archived);
      read.bytes += answer.json.length;
      forEachArrayElementOfText(answer.json, (event, length) => {
        read.events++;
        onEvent(event, length);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(SHARD_CONCURRENCY, shards.length) }, worker));
  return { ...read, archivedAt: archivedAtOf(archived) };
}
