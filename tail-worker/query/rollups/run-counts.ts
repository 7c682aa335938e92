import { HOUR_MS, utcHourStart } from "../../../schemas/archive/partition";
import { loadConfig } from "../../../schemas/config/config";
import type { Env } from "../../../schemas/config/env";
import { weightOf } from "../../../schemas/event-envelope";
import { HourRollup } from "../../../schemas/rollup/hour-rollup";
import { MINUTE_MS, SKETCH_SLOT_MINUTES } from "../../../schemas/rollup/rollup-format";
import type { EventSink } from "../grouping";
import type { CompiledQuery } from "../query-schema";
import type { QueryResult } from "../run-query";
import { type Scanned, type ScanResult, scan } from "../scan";
import { StoredCounts } from "../stored-counts";
import type { TimeRange } from "../time-range";
import { CollectorSnapshots } from "./collector-snapshots";
import { RollupCounts } from "./rollup-counts";
import { listRollupKeys, readRollups } from "./stored-rollups";

/** Where a counts answer came from, per hour of its range. */
export interface RollupSource {
  /** "rollups": every hour from rollups; "listing": none; "mixed": both. */
  source: "rollups" | "listing" | "mixed";
  /** Hours counted from the collectors' rollups. */
  hours: number;
  /** Hours without (complete) rollups, counted from the archive listing's metadata or a read of its objects. */
  listedHours: string[];
  /** Hours whose rollups were past QUERY_MAX_OBJECTS reads: left out (gaps). */
  unreadHours: string[];
  /** Stored rollups read, and open ones taken from the collectors. */
  stored: number;
  fromCollectors: number;
  /** Percentiles cover the range widened to the quarter hours its sketches keep. */
  percentiles?: { from: string; to: string };
  unreadable?: { key: string; message: string }[];
}

const SLOT_MS = SKETCH_SLOT_MINUTES * MINUTE_MS;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Answers `select: "counts"` queries (several at once share one read): each collector's snapshot
 * (its open hours and buffered events), the stored rollups of the other hours, one list call per
 * day and one read per collector and hour, and for hours without complete rollups (archives from
 * before collectors kept them) the archive listing, as before rollups existed: stored counts from
 * metadata, or, for breakdowns and percentiles, a read (bounded, sampled past the limits) of the
 * hour's objects into rollups built the same way.
 */
export async function runCounts(env: Env, queries: readonly CompiledQuery[]): Promise<QueryResult[]> {
  const limits = loadConfig(env).query;
  const union = { from: Math.min(...queries.map((q) => q.range.from)), to: Math.max(...queries.map((q) => q.range.to)) };
  const firstHour = utcHourStart(union.from);
  const lastHour = utcHourStart(union.to);
  const sinks = queries.map((q) => new RollupCounts(q.counts!));
  const addToAll = (file: Parameters<RollupCounts["add"]>[0]) => {
    for (const sink of sinks) sink.add(file);
  };

  const [snapshots, keys] = await Promise.all([
    CollectorSnapshots.take(env, {
      ...union,
      includeBuffered: queries.some((q) => q.includeBuffered),
      maxBufferedBytes: Math.floor(limits.maxBytes / 2),
    }),
    listRollupKeys(env.ARCHIVE, firstHour, lastHour),
  ]);

  // An hour is covered when it has rollup segments and every one is complete.
  const complete = new Map<number, boolean>();
  const mark = (hour: number, whole: boolean) => complete.set(hour, (complete.get(hour) ?? true) && whole);
  for (const segment of keys.segments) mark(segment.hourStart, segment.complete);
  for (const snapshot of snapshots.all) for (const file of snapshot.hours) mark(Date.parse(file.hour), file.complete);
  const toRead = keys.segments
    .filter((s) => complete.get(s.hourStart) && snapshots.readsStored(s))
    .sort((a, b) => b.hourStart - a.hourStart || (a.key < b.key ? -1 : 1));
  const unread = new Set(toRead.slice(limits.maxObjects).map((s) => s.hourStart));
  const covered = (hour: number) => complete.get(hour) === true && !unread.has(hour);

  let fromCollectors = 0;
  let buffered = { events: 0, bytes: 0, truncated: false };
  for (const snapshot of snapshots.all) {
    for (const file of snapshot.hours) {
      if (!covered(Date.parse(file.hour))) continue;
      fromCollectors++;
      addToAll(file);
    }
    if (!snapshot.buffered) continue;
    buffered = {
      events: buffered.events + snapshot.buffered.events,
      bytes: buffered.bytes + snapshot.buffered.bytes,
      truncated: buffered.truncated || snapshot.buffered.truncated,
    };
    for (const file of snapshot.buffered.hours) for (const [i, query] of queries.entries()) if (query.includeBuffered) sinks[i]!.add(file);
  }
  const reads = await readRollups(
    env.ARCHIVE,
    toRead.filter((s) => !unread.has(s.hourStart)).map((s) => s.key),
    addToAll,
  );

  const uncovered: TimeRange[] = [];
  for (let hour = firstHour; hour <= lastHour; hour += HOUR_MS) {
    if (covered(hour) || unread.has(hour)) continue;
    const last = uncovered.at(-1);
    if (last && last.to === hour - 1) last.to = hour + HOUR_MS - 1;
    else uncovered.push({ from: hour, to: hour + HOUR_MS - 1 });
  }
  const listed = await countUncovered(env, queries, uncovered, union, snapshots, sinks);

  return queries.map((query, i) => {
    const { range, counts } = query;
    const answer = sinks[i]!.result();
    const hoursOf = (pick: (hour: number) => boolean) => {
      const out: number[] = [];
      for (let hour = utcHourStart(range.from); hour <= range.to; hour += HOUR_MS) if (pick(hour)) out.push(hour);
      return out;
    };
    const coveredHours = hoursOf(covered);
    const listedHours = hoursOf((h) => !covered(h) && !unread.has(h));
    const scanned: Scanned = {
      objects: reads.reads + listed.scanned.objects,
      bytes: reads.bytes + listed.scanned.bytes + (query.includeBuffered ? buffered.bytes : 0),
      events: listed.scanned.events + (query.includeBuffered ? buffered.events : 0),
      buffered: query.includeBuffered ? buffered.events : 0,
      listCalls: keys.listCalls + listed.scanned.listCalls,
      keysListed: keys.keysListed + listed.scanned.keysListed,
      slicesFromCache: listed.scanned.slicesFromCache,
      candidates: listed.scanned.candidates,
    };
    const rollups: RollupSource = {
      source: listedHours.length === 0 ? "rollups" : coveredHours.length === 0 ? "listing" : "mixed",
      hours: coveredHours.length,
      listedHours: listedHours.map(iso),
      unreadHours: hoursOf((h) => unread.has(h)).map(iso),
      stored: reads.reads,
      fromCollectors,
      ...(counts!.percentiles.length > 0
        ? { percentiles: { from: iso(Math.floor(range.from / SLOT_MS) * SLOT_MS), to: iso(range.to) } }
        : {}),
      ...(reads.unreadable.length > 0 ? { unreadable: reads.unreadable } : {}),
    };
    const truncated = query.includeBuffered && buffered.truncated;
    return {
      rows: answer.rows,
      scanned,
      truncated: answer.truncated || truncated,
      range: { from: iso(range.from), to: iso(range.to) },
      total: answer.total,
      rollups,
      ...(truncated ? { bufferedTruncated: true as const } : {}),
      ...(listed.sampled ? { sampled: listed.sampled } : {}),
      ...(listed.estimatedObjects ? { estimatedObjects: listed.estimatedObjects } : {}),
      ...(listed.unlisted.length > 0
        ? {
            listing: {
              complete: false,
              slices: listed.slices,
              slicesListed: listed.slices - listed.unlisted.length,
              unlisted: listed.unlisted,
            },
          }
        : {}),
      ...(listed.unreadable.length > 0 ? { unreadable: listed.unreadable } : {}),
    };
  });
}

interface Listed {
  scanned: Scanned;
  sampled?: ScanResult["sampled"];
  estimatedObjects: number;
  slices: number;
  unlisted: ScanResult["listing"]["unlisted"];
  unreadable: ScanResult["unreadable"];
}

/**
 * The hours without complete rollups, as the archive tells them: when every query asks only for
 * counts by importance and time, from the listing's metadata; otherwise from the events of the
 * hours' objects (a bounded sample past the limits) counted into rollups. Objects whose events the
 * collectors' snapshots count (buffered, or flushed after them) are left out.
 */
async function countUncovered(
  env: Env,
  queries: readonly CompiledQuery[],
  ranges: readonly TimeRange[],
  union: TimeRange,
  snapshots: CollectorSnapshots,
  sinks: readonly RollupCounts[],
): Promise<Listed> {
  const listed: Listed = {
    scanned: {
      objects: 0,
      bytes: 0,
      events: 0,
      buffered: 0,
      listCalls: 0,
      keysListed: 0,
      slicesFromCache: 0,
      candidates: { objects: 0, bytes: 0 },
    },
    estimatedObjects: 0,
    slices: 0,
    unlisted: [],
    unreadable: [],
  };
  const needsEvents = queries.some((q) => q.counts!.dimension !== undefined || q.counts!.percentiles.length > 0);
  const skip = (object: Parameters<CollectorSnapshots["afterSnapshot"]>[0]) => snapshots.afterSnapshot(object);
  const { archivedAt } = snapshots;
  for (const hours of ranges) {
    const range = { from: Math.max(hours.from, union.from), to: Math.min(hours.to, union.to) };
    if (range.from > range.to) continue;
    let result: ScanResult;
    if (needsEvents) {
      const built = new ScannedRollups();
      result = await scan(env, { range, where: [], includeBuffered: false, sample: true, skip, archivedAt }, [built]);
      for (const file of built.files()) for (const sink of sinks) sink.add(file);
    } else {
      const stored = new StoredCounts(range, MINUTE_MS);
      result = await scan(
        env,
        {
          range,
          where: [],
          includeBuffered: false,
          sample: false,
          fromMetadata: stored.fromMetadata,
          estimate: stored.estimate,
          skip,
          archivedAt,
        },
        [stored],
      );
      for (const row of stored.rows().rows as { bucket: number; importance: number; events: number }[])
        for (const sink of sinks) sink.addStored(row, row.bucket);
    }
    const s = result.scanned;
    for (const key of ["objects", "bytes", "events", "listCalls", "keysListed", "slicesFromCache"] as const) listed.scanned[key] += s[key];
    listed.scanned.candidates.objects += s.candidates.objects;
    listed.scanned.candidates.bytes += s.candidates.bytes;
    listed.estimatedObjects += result.estimatedObjects ?? 0;
    listed.slices += result.listing.slices;
    listed.unlisted.push(...result.listing.unlisted);
    listed.unreadable.push(...result.unreadable);
    if (result.sampled) listed.sampled = result.sampled;
  }
  return listed;
}

/** Events read from archive objects, counted into rollups per hour as the collectors count them. */
class ScannedRollups implements EventSink {
  private readonly hours = new Map<number, HourRollup>();

  add(event: unknown, weight: number): void {
    const hour = utcHourStart((event as { timestamp: number }).timestamp);
    let rollup = this.hours.get(hour);
    if (!rollup) this.hours.set(hour, (rollup = new HourRollup(hour, "listing")));
    // The scan weighs an event by its sampleRate times the share of objects it stands for.
    rollup.add(event, weight / weightOf(event));
  }

  files() {
    return [...this.hours.values()].map((r) => r.toFile());
  }
}
