import { type ArchivedAt, type ListedObject, listRange, MAX_LISTED_OBJECTS } from "../../schemas/archive/listing";
import { loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import { weightOf } from "../../schemas/event-envelope";
import { compileWhere, importanceMayMatch } from "../../schemas/filter/compile";
import type { Condition } from "../../schemas/filter/condition";
import type { Importance } from "../../schemas/importance";
import { readBufferedEvents } from "./buffered-events";
import type { EventsCollector } from "./events-collector";
import type { EventSink } from "./grouping";
import { readObject } from "./object-reader";
import { type Budget, exactPlan, type PlannedRead, type SampleInfo, samplePlan, withinBudget } from "./read-plan";
import { formatBytes, QueryTooLargeError } from "./refusal";
import type { TimeRange } from "./time-range";

/** What to read: events of a time range for which every condition holds. */
export interface ScanPlan {
  range: TimeRange;
  where: readonly Condition[];
  includeBuffered: boolean;
  /** Over the limits, read a bounded sample rather than refuse. */
  sample: boolean;
  /**
   * `select: "events"` in time order: objects are read from that end of the range and reading
   * stops once no further object can hold an event the collector would keep.
   */
  timeOrdered?: { dir: "asc" | "desc"; collector: EventsCollector };
  /** `select: "counts"`: takes an object's events from its metadata when it can (true), else it is read. */
  fromMetadata?: (object: ListedObject) => boolean;
  /** Told the objects the metadata could not settle and that could not be read within the budget. */
  estimate?: (object: ListedObject) => void;
  /** Objects whose events are counted elsewhere (collector snapshots): left out before anything is decided. */
  skip?: (object: ListedObject) => boolean;
  /** Without includeBuffered: when the collectors last archived into each hour, per their snapshots (see listRange). */
  archivedAt?: ArchivedAt;
}

export interface Scanned {
  /** Archive objects read (whole or in part). */
  objects: number;
  /** Bytes read: archive objects and buffered events, both counted against QUERY_MAX_BYTES. */
  bytes: number;
  /** Events read: from archive objects and collector buffers, matching or not. */
  events: number;
  /** Of those, events read from the collectors' buffers (not yet archived). */
  buffered: number;
  /** R2 list calls, and the keys they answered; importance-hours taken from the isolate's recent listings. */
  listCalls: number;
  keysListed: number;
  slicesFromCache: number;
  /** Archive objects of the range, per the listing, and their bytes. */
  candidates: { objects: number; bytes: number };
}

export interface ScanResult {
  scanned: Scanned;
  /** A collector buffer held more than its share of the budget: some buffered events were left out. */
  bufferedTruncated: boolean;
  /** Archive objects that could not be read as JSON arrays (left out, named here). */
  unreadable: { key: string; message: string }[];
  /** Set when only part of the range's objects was read. */
  sampled?: SampleInfo & { mode: "spread" | "newest" | "oldest" };
  /** Objects counted from metadata in proportion to their time in the range (counts only). */
  estimatedObjects?: number;
  /** The list-call or object budget ran out: only `slicesListed` of `slices` importance-hours were listed. */
  listing: { complete: boolean; slices: number; slicesListed: number; unlisted: { hourStart: number; importance: number }[] };
  /**
   * In time order, objects left unread once `limit` events nearer the asked-for end were found:
   * their events may match, so the count of matches is a lower bound.
   */
  stoppedEarly?: number;
}

/** Archive objects read at the same time. */
const READ_CONCURRENCY = 6;
/** How long a flush may take from writing its object to committing (the events leave the buffer then). */
const JUST_WRITTEN_MS = 30_000;

/**
 * Feeds every matching event to every sink once, with its weight. The range is listed hour by
 * hour (schemas/archive/listing.ts) and what to read is decided from the listing alone: every
 * candidate within the limits; over them a bounded sample when the query allows it, else a
 * refusal (QueryTooLargeError) before any object is read. Every shard's buffered events are read
 * first, within the same byte budget, and the range is listed after them: an event a flush took
 * out of a buffer before it was read is in an object the listing shows (a closed hour's listing
 * kept from before that flush is not used: the shards name the hours they archived into lately),
 * and an event buffered when read and flushed before the listing is skipped in its object by id.
 */
export async function scan(env: Env, plan: ScanPlan, sinks: readonly EventSink[]): Promise<ScanResult> {
  const limits = loadConfig(env).query;
  const { range } = plan;
  const where = compileWhere(plan.where);
  const matches = (event: unknown): boolean => {
    const timestamp = (event as { timestamp?: unknown } | null)?.timestamp;
    return typeof timestamp === "number" && timestamp >= range.from && timestamp <= range.to && where(event);
  };
  const importances = ([0, 1, 2, 3] as const).filter((i) => importanceMayMatch(plan.where, i)) as Importance[];
  const startedAt = Date.now();
  const scanned = { bytes: 0, events: 0, buffered: 0 };
  let bufferedTruncated = false;
  let archivedAt = plan.archivedAt;
  const bufferedIds = new Set<string>();
  if (plan.includeBuffered && importances.length > 0) {
    const buffered = await readBufferedEvents(env, Math.floor(limits.maxBytes / 2), (event, length) => {
      if (!matches(event)) return;
      const id = (event as { id?: unknown }).id;
      if (typeof id === "string") bufferedIds.add(id);
      for (const sink of sinks) sink.add(event, weightOf(event), length);
    });
    scanned.bytes = buffered.bytes;
    scanned.events = buffered.events;
    scanned.buffered = buffered.events;
    bufferedTruncated = buffered.truncated;
    archivedAt = buffered.archivedAt;
  }

  const listing = await listRange(env.ARCHIVE, {
    range,
    importances,
    maxListCalls: limits.maxListCalls,
    ...(archivedAt ? { archivedAt } : {}),
  });
  if (plan.skip) listing.objects = listing.objects.filter((o) => !plan.skip!(o));
  const result: ScanResult = {
    scanned: {
      objects: 0,
      ...scanned,
      listCalls: listing.listCalls,
      keysListed: listing.keysListed,
      slicesFromCache: listing.cachedSlices,
      candidates: { objects: listing.objects.length, bytes: listing.objects.reduce((s, o) => s + o.size, 0) },
    },
    bufferedTruncated,
    unreadable: [],
    listing: { complete: listing.complete, slices: listing.slices, slicesListed: listing.slicesListed, unlisted: listing.unlisted },
  };
  // Counts answer for the hours listed and name the others; other queries need every hour or a sample.
  if (!listing.complete && !plan.sample && !plan.fromMetadata)
    refuseListing(listing.slices, listing.slicesListed, limits.maxListCalls, range);

  // An object written shortly before the buffers were read, or since, may belong to a flush not
  // committed when they were, its events read buffered too: it is read (and its events matched by
  // id) rather than counted from metadata.
  const justWritten = (o: ListedObject) => plan.includeBuffered && o.uploaded >= startedAt - JUST_WRITTEN_MS;
  const counted = plan.fromMetadata ? listing.objects.filter((o) => !justWritten(o) && plan.fromMetadata!(o)) : [];
  const settled = new Set(counted);
  const candidates = listing.objects.filter((o) => !settled.has(o));
  const budget: Budget = { objects: limits.maxObjects, bytes: limits.maxBytes - result.scanned.bytes };
  const chosen = choose(plan, listing, candidates, budget, result, limits);
  const { reads } = chosen;

  const onEvents = (read: PlannedRead) => (event: unknown, length: number) => {
    if (!matches(event)) return;
    const id = (event as { id?: unknown }).id;
    if (typeof id === "string" && bufferedIds.has(id)) return;
    const weight = weightOf(event) * read.scale;
    for (const sink of sinks) sink.add(event, weight, length);
  };
  const ordered = plan.timeOrdered;
  const canStillKeep = (object: ListedObject): boolean => {
    if (!ordered?.collector.full) return true;
    const worst = (ordered.collector.worst as { timestamp?: unknown } | undefined)?.timestamp;
    if (typeof worst !== "number") return true;
    return ordered.dir === "desc" ? (object.lastEventAt ?? Number.POSITIVE_INFINITY) >= worst : (object.firstEventAt ?? 0) <= worst;
  };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < reads.length; i = next++) {
      const read = reads[i]!;
      if (!canStillKeep(read.object)) {
        result.stoppedEarly = (result.stoppedEarly ?? 0) + 1;
        continue;
      }
      const outcome = await readObject(env.ARCHIVE, read.object, onEvents(read), {
        ...(read.maxBytes === undefined ? {} : { maxBytes: read.maxBytes }),
      });
      if (!outcome.found) continue;
      result.scanned.objects++;
      result.scanned.bytes += outcome.bytes;
      result.scanned.events += outcome.events;
      if (outcome.unreadable !== undefined) result.unreadable.push({ key: read.object.key, message: outcome.unreadable });
    }
  };
  // In time order a few objects at a time, so that the stop is noticed soon.
  await Promise.all(Array.from({ length: Math.min(ordered ? 2 : READ_CONCURRENCY, reads.length) }, worker));
  // Read in time order up to the budget: exact if nothing left unread could still be kept.
  if (ordered && ((chosen.firstUnread && canStillKeep(chosen.firstUnread)) || !listing.complete)) {
    if (!plan.sample) {
      throw new QueryTooLargeError(
        `this query read ${chosen.reads.length} of the ${candidates.length} archive objects of ` +
          `${new Date(range.from).toISOString()} to ${new Date(range.to).toISOString()} in time order, as many as ` +
          `${limits.maxObjects} objects (QUERY_MAX_OBJECTS) and ${formatBytes(limits.maxBytes)} (QUERY_MAX_BYTES) allow, and older ` +
          `ones may still hold events it would answer; narrow the range or the where clause, or ask for "sample": true to answer from those read`,
        { objects: candidates.length, read: chosen.reads.length, maxObjects: limits.maxObjects, maxBytes: limits.maxBytes },
      );
    }
    result.sampled = {
      mode: ordered.dir === "desc" ? "newest" : "oldest",
      objects: chosen.reads.length,
      candidateObjects: candidates.length,
      bytes: chosen.reads.reduce((s, r) => s + r.object.size, 0),
      candidateBytes: candidates.reduce((s, o) => s + o.size, 0),
      candidateEvents: candidates.reduce((s, o) => s + (o.eventCount ?? 0), 0),
    };
  }
  return result;
}

/** What to read of the candidates (see scan()); refuses when neither all nor a sample may be read. */
function choose(
  plan: ScanPlan,
  listing: Awaited<ReturnType<typeof listRange>>,
  candidates: ListedObject[],
  budget: Budget,
  result: ScanResult,
  limits: { maxObjects: number; maxBytes: number },
): { reads: PlannedRead[]; firstUnread?: ListedObject } {
  const ordered = plan.timeOrdered;
  if (ordered) {
    // From the asked-for end of the range, within the budget: reading usually stops long before it.
    const inOrder =
      ordered.dir === "desc"
        ? [...candidates].sort((a, b) => (b.lastEventAt ?? b.keyMinute) - (a.lastEventAt ?? a.keyMinute))
        : [...candidates].sort((a, b) => (a.firstEventAt ?? a.keyMinute) - (b.firstEventAt ?? b.keyMinute));
    const reads = budgeted(inOrder, budget);
    return { reads, ...(reads.length < inOrder.length ? { firstUnread: inOrder[reads.length]! } : {}) };
  }
  if ((listing.complete || plan.estimate) && withinBudget(candidates, budget)) return { reads: exactPlan(candidates) };
  if (plan.estimate) {
    for (const object of candidates) plan.estimate(object);
    result.estimatedObjects = candidates.length;
    return { reads: [] };
  }
  if (!plan.sample) refuse(candidates, result.scanned.bytes, limits, plan.range);
  const sampled = samplePlan({ ...listing, objects: candidates }, budget);
  result.sampled = { mode: "spread", ...sampled.info };
  return { reads: sampled.reads };
}

/** The first objects that fit the budget, whole. */
function budgeted(objects: readonly ListedObject[], budget: Budget): PlannedRead[] {
  const reads: PlannedRead[] = [];
  let bytes = 0;
  for (const object of objects) {
    if (reads.length >= budget.objects || bytes + object.size > budget.bytes) break;
    reads.push({ object, scale: 1 });
    bytes += object.size;
  }
  return reads;
}

function refuse(
  candidates: readonly ListedObject[],
  bufferedBytes: number,
  limits: { maxObjects: number; maxBytes: number },
  range: TimeRange,
): never {
  const bytes = candidates.reduce((s, o) => s + o.size, 0);
  const largest = candidates.reduce((max, o) => Math.max(max, o.size), 0);
  const buffered = bufferedBytes > 0 ? ` after ${formatBytes(bufferedBytes)} of buffered events` : "";
  throw new QueryTooLargeError(
    `this query would read ${candidates.length} archive objects (${formatBytes(bytes)})${buffered} for ` +
      `${new Date(range.from).toISOString()} to ${new Date(range.to).toISOString()}; a query may read ${limits.maxObjects} objects ` +
      `(QUERY_MAX_OBJECTS) and ${formatBytes(limits.maxBytes)} (QUERY_MAX_BYTES) in all. Narrow the time range, filter on importance, ` +
      `or ask for "sample": true to read a bounded sample`,
    {
      objects: candidates.length,
      bytes,
      bufferedBytes,
      largestObjectBytes: largest,
      maxObjects: limits.maxObjects,
      maxBytes: limits.maxBytes,
    },
  );
}

function refuseListing(slices: number, listed: number, maxListCalls: number, range: TimeRange): never {
  throw new QueryTooLargeError(
    `the archive holds more objects for ${new Date(range.from).toISOString()} to ${new Date(range.to).toISOString()} than ` +
      `one query lists (${maxListCalls} list calls, QUERY_MAX_LIST_CALLS, and ${MAX_LISTED_OBJECTS.toLocaleString("en-US")} objects): ` +
      `${listed} of its ${slices} importance-hours were listed. ` +
      `Narrow the time range, filter on importance, or ask for "sample": true`,
    { slices, slicesListed: listed, maxListCalls },
  );
}
