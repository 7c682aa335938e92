import { loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import { compileWhere, importanceMayMatch } from "../../schemas/filter/compile";
import type { Condition } from "../../schemas/filter/condition";
import { allCollectorShards } from "../route/collector-stub";
import type { EventSink } from "./grouping";
import { forEachArrayElement, forEachArrayElementOfText } from "./json-array-stream";
import { type SelectedObject, type Selection, selectObjects } from "./object-selection";
import { formatBytes, QueryTooLargeError } from "./refusal";
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

/** Most bytes of buffered events read from one collector shard (one RPC answer, far below 32 MiB). */
export const BUFFERED_BYTES_PER_SHARD = 16 * 1024 * 1024;
/** Archive objects read at the same time. */
const READ_CONCURRENCY = 4;

/**
 * Feeds every matching event to every sink once. The archive objects are chosen from the listing
 * alone and the query refused (QueryTooLargeError) when they pass the limits, before anything is
 * read; then every shard's buffered events are read, and the objects streamed one event at a
 * time. An archived event whose id was among the buffered ones (flushed while the query ran) is
 * not counted twice.
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
  const select = async () => {
    const selection = await selectObjects(env.ARCHIVE, {
      range: plan.range,
      importanceMayMatch: (importance) => importanceMayMatch(plan.where, importance),
      stopAfter: limits.maxObjects * 10 + 1,
      maxListed: Math.max(limits.maxObjects * 100, 10_000),
    });
    refuseIfTooLarge(selection, plan.range, limits);
    return selection;
  };

  // Decided from the listing before anything is read.
  let selection = await select();

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
    // A flush between the listing and the buffer read moved events into an object the listing
    // did not show: list again. Events in both places are skipped below by id.
    selection = await select();
  }

  const queue = [...selection.objects];
  const readNext = async (): Promise<void> => {
    for (let object = queue.shift(); object; object = queue.shift())
      await readObject(env.ARCHIVE, object, result, (event) => {
        if (!matches(event)) return;
        const id = (event as { id?: unknown }).id;
        if (typeof id === "string" && bufferedIds.has(id)) return;
        for (const sink of sinks) sink.add(event);
      });
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, queue.length) }, readNext));
  return result;
}

function refuseIfTooLarge(selection: Selection, range: TimeRange, limits: { maxObjects: number; maxBytes: number }): void {
  if (selection.complete && selection.objects.length <= limits.maxObjects && selection.bytes <= limits.maxBytes) return;
  const atLeast = !selection.complete ? "at least " : "";
  throw new QueryTooLargeError(
    `this query would read ${atLeast}${selection.objects.length} archive objects (${atLeast}${formatBytes(selection.bytes)}) for ` +
      `${new Date(range.from).toISOString()} to ${new Date(range.to).toISOString()}, more than the limits of ${limits.maxObjects} objects ` +
      `(QUERY_MAX_OBJECTS) and ${formatBytes(limits.maxBytes)} (QUERY_MAX_BYTES); narrow the time range or filter on importance`,
    {
      objects: selection.objects.length,
      bytes: selection.bytes,
      atLeast: !selection.complete,
      maxObjects: limits.maxObjects,
      maxBytes: limits.maxBytes,
    },
  );
}

async function readObject(bucket: R2Bucket, object: SelectedObject, result: ScanResult, onEvent: (event: unknown) => void): Promise<void> {
  const body = await bucket.get(object.key);
  if (!body) return; // deleted since the listing
  result.scanned.objects++;
  result.scanned.bytes += body.size;
  // Only a failure to read or parse the object makes it unreadable. What a sink throws (a
  // QueryTooLargeError over the group limit, say) belongs to the query and must reach the route.
  let sinkFailure: { error: unknown } | undefined;
  try {
    await forEachArrayElement(body.body, (event) => {
      result.scanned.events++;
      try {
        onEvent(event);
      } catch (error) {
        sinkFailure = { error };
        throw error;
      }
    });
  } catch (error) {
    if (sinkFailure) throw sinkFailure.error;
    result.unreadable.push({ key: object.key, message: error instanceof Error ? error.message : String(error) });
  }
}
