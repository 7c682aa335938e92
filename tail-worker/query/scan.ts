import { loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import { allCollectorShards } from "../route/collector-stub";
import { compileWhere, importanceMayMatch } from "./filters";
import type { EventSink } from "./grouping";
import { forEachArrayElement, forEachArrayElementOfText } from "./json-array-stream";
import { selectObjects, type SelectedObject } from "./object-selection";
import type { Condition } from "./query-schema";
import type { TimeRange } from "./time-range";

/** What to read: events of a time range for which every condition holds. */
export interface ScanPlan {
  range: TimeRange;
  where: readonly Condition[];
  includeBuffered: boolean;
}

export interface Scanned {
  /** Archive objects read. */
  objects: number;
  /** Bytes of those objects. */
  bytes: number;
  /** Events read: from archive objects and collector buffers, matching or not. */
  events: number;
  /** Of those, events read from the collectors' buffers (not yet archived). */
  buffered: number;
}

export interface ScanResult {
  scanned: Scanned;
  /** A collector buffer held more than one query reads from it: some buffered events were left out. */
  bufferedTruncated: boolean;
  /** Archive objects that could not be read as JSON arrays (left out, named here). */
  unreadable: { key: string; message: string }[];
}

/** The query would read more than QUERY_MAX_OBJECTS / QUERY_MAX_BYTES: refused before reading. */
export class QueryTooLargeError extends Error {
  constructor(
    message: string,
    readonly details: { objects: number; bytes: number; atLeast: boolean; maxObjects: number; maxBytes: number },
  ) {
    super(message);
    this.name = "QueryTooLargeError";
  }
}

/** Most bytes of buffered events read from one collector shard (one RPC answer, far below 32 MiB). */
export const BUFFERED_BYTES_PER_SHARD = 16 * 1024 * 1024;
/** Archive objects read at the same time. */
const READ_CONCURRENCY = 4;

/**
 * Feeds every matching event to every sink once. Buffered events come first (every shard's
 * `bufferedEvents`); then archive objects chosen from the listing alone, refused with
 * QueryTooLargeError when they exceed the limits, are streamed one event at a time. An archived
 * event whose id was among the buffered ones (flushed while the query ran) is not counted twice.
 */
export async function scan(env: Env, plan: ScanPlan, sinks: readonly EventSink[]): Promise<ScanResult> {
  const limits = loadConfig(env).query;
  const { from, to } = plan.range;
  const where = compileWhere(plan.where);
  const matches = (event: unknown): boolean => {
    const timestamp = (event as { timestamp?: unknown } | null)?.timestamp;
    return typeof timestamp === "number" && timestamp >= from && timestamp <= to && where(event);
  };
  const result: ScanResult = { scanned: { objects: 0, bytes: 0, events: 0, buffered: 0 }, bufferedTruncated: false, unreadable: [] };
  const bufferedIds = new Set<string>();

  if (plan.includeBuffered) {
    // One shard at a time, so that at most one shard's answer is held in memory.
    for (const shard of allCollectorShards(env)) {
      const answer = await shard.bufferedEvents(BUFFERED_BYTES_PER_SHARD);
      result.bufferedTruncated ||= answer.truncated;
      forEachArrayElementOfText(answer.json, (event) => {
        result.scanned.events++;
        result.scanned.buffered++;
        if (!matches(event)) return;
        const id = (event as { id?: unknown }).id;
        if (typeof id === "string") bufferedIds.add(id);
        for (const sink of sinks) sink.add(event);
      });
    }
  }

  const selection = await selectObjects(env.ARCHIVE, {
    range: plan.range,
    importanceMayMatch: (importance) => importanceMayMatch(plan.where, importance),
    stopAfter: limits.maxObjects * 10 + 1,
    maxListed: Math.max(limits.maxObjects * 100, 10_000),
  });
  if (!selection.complete || selection.objects.length > limits.maxObjects || selection.bytes > limits.maxBytes) {
    const atLeast = !selection.complete;
    const would = `${atLeast ? "at least " : ""}${selection.objects.length} archive objects (${atLeast ? "at least " : ""}${formatBytes(selection.bytes)})`;
    throw new QueryTooLargeError(
      `this query would read ${would} for ${new Date(from).toISOString()} to ${new Date(to).toISOString()}, more than the limits of ` +
        `${limits.maxObjects} objects (QUERY_MAX_OBJECTS) and ${formatBytes(limits.maxBytes)} (QUERY_MAX_BYTES); narrow the time range or filter on importance`,
      { objects: selection.objects.length, bytes: selection.bytes, atLeast, maxObjects: limits.maxObjects, maxBytes: limits.maxBytes },
    );
  }

  const queue = [...selection.objects];
  const readNext = async (): Promise<void> => {
    for (let object = queue.shift(); object; object = queue.shift()) await readObject(env.ARCHIVE, object, result, (event) => {
      if (!matches(event)) return;
      const id = (event as { id?: unknown }).id;
      if (typeof id === "string" && bufferedIds.has(id)) return;
      for (const sink of sinks) sink.add(event);
    });
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, queue.length) }, readNext));
  return result;
}

async function readObject(bucket: R2Bucket, object: SelectedObject, result: ScanResult, onEvent: (event: unknown) => void): Promise<void> {
  const body = await bucket.get(object.key);
  if (!body) return; // deleted since the listing
  result.scanned.objects++;
  result.scanned.bytes += body.size;
  try {
    await forEachArrayElement(body.body, (event) => {
      result.scanned.events++;
      onEvent(event);
    });
  } catch (error) {
    result.unreadable.push({ key: object.key, message: error instanceof Error ? error.message : String(error) });
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(value < 10 ? 1 : 0))} ${units[unit]}`;
}
