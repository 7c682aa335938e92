import { allCollectorShards } from "../../schemas/collector-shards";
import type { Env } from "../../schemas/config/env";
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
}

/**
 * Every shard's unflushed events, within `maxBytes` in all: each shard may answer its share
 * (at most BUFFERED_BYTES_PER_SHARD), a few shards at a time, each answer parsed as it arrives.
 */
export async function readBufferedEvents(
  env: Env,
  maxBytes: number,
  onEvent: (event: unknown, length: number) => void,
): Promise<BufferedRead> {
  const shards = allCollectorShards(env);
  const share = Math.max(1024, Math.min(BUFFERED_BYTES_PER_SHARD, Math.floor(maxBytes / shards.length)));
  const read: BufferedRead = { bytes: 0, events: 0, truncated: false };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < shards.length; i = next++) {
      const answer = await shards[i]!.bufferedEvents(share);
      read.truncated ||= answer.truncated;
      read.bytes += answer.json.length;
      forEachArrayElementOfText(answer.json, (event, length) => {
        read.events++;
        onEvent(event, length);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(SHARD_CONCURRENCY, shards.length) }, worker));
  return read;
}
