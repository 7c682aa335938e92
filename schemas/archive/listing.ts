import type { Importance } from "../importance";
import { ARCHIVE_PREFIX, parseArchiveKey } from "./key";
import { closedSliceObjects } from "./slice-cache";

/**
 * A seekable listing of the archive for a time range. Keys are
 * `tail-events/YYYY-MM-DD/importance-N/HH-MM-<id>.json`, HH-MM from the earliest event, and an
 * object never spans a UTC hour. So an object holding events of the range starts at most an hour
 * before it (and so does an object written before flushes split at hours, as long as it spans at
 * most an hour): the range is listed from the minute one hour before its start, as slices, one per
 * importance and UTC hour, each with the prefix `…/importance-N/HH-` (the first one seeking with
 * `startAfter` to its minute), and the last one stops at the range's end. The cost follows the
 * objects of the range plus one hour, never the size of the day. For ranges of more than a few hours, the days, importances
 * and hours that hold anything are found first with delimiter listings, so empty hours cost nothing.
 */
export const HOUR_MS = 3_600_000;
/** How far before the range objects are looked for: objects written before flushes split at hours may span that much. */
const LOOK_BACK_MS = HOUR_MS;
/** R2 answers at most this many keys per call. */
const PAGE = 1000;
/** Most objects one listing holds by default: a query's listing must fit its isolate's memory. */
export const MAX_LISTED_OBJECTS = 100_000;
/** Past this many slices, empty days, importances and hours are found first and skipped. */
const DISCOVER_ABOVE_SLICES = 16;
/** Above this many importance-hours a range whose hours could not be found is not listed slice by slice. */
const MAX_UNDISCOVERED_SLICES = 100_000;

export interface ListedObject {
  key: string;
  size: number;
  importance: Importance;
  /** Start of the UTC hour of the key's HH-MM (the object's earliest event). */
  hourStart: number;
  /** Epoch ms of the key's HH-MM. */
  keyMinute: number;
  /** From the object's metadata, when it has them. */
  eventCount?: number;
  firstEventAt?: number;
  lastEventAt?: number;
  /** When R2 stored it. */
  uploaded: number;
}

export interface ListingOptions {
  range: { from: number; to: number };
  /** Importances to list; the others are never listed. */
  importances: readonly Importance[];
  /** Most list calls; slices beyond it are left unlisted (see `Listing.complete`). */
  maxListCalls: number;
  /** Most objects held (about 250 bytes each); slices beyond it are left unlisted too. */
  maxObjects?: number;
  /** Slices listed at the same time. */
  concurrency?: number;
  /** When the collectors last archived into an importance-hour, if lately: a closed hour's listing kept from before then is not used. */
  archivedAt?: ArchivedAt;
}

/** When the collectors last archived into an importance and UTC hour (their clocks), if within the last ARCHIVED_HOURS_MS. */
export type ArchivedAt = (importance: Importance, hourStart: number) => number | undefined;

export interface Listing {
  /** Objects that may hold events of the range (metadata and key say so), oldest hour first. */
  objects: ListedObject[];
  /** R2 list calls made, discovery included. */
  listCalls: number;
  /** Keys R2 answered, in range or not. */
  keysListed: number;
  /** Importance-hour slices of the range (after discovery) and how many were listed. */
  slices: number;
  slicesListed: number;
  /** Slices of closed hours taken from this isolate's recent listings rather than listed again. */
  cachedSlices: number;
  /** False when the list-call or object budget ran out before every slice was listed. */
  complete: boolean;
  /** The importance-hours left unlisted (or listed in part) when the budget ran out. */
  unlisted: { hourStart: number; importance: Importance }[];
}

interface Slice {
  importance: Importance;
  hourStart: number;
  prefix: string;
  /** Keys after this one (the first slice starts at its minute). */
  startAfter?: string;
}

export function hourStartOf(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `tail-events/YYYY-MM-DD/importance-N/HH-`: the keys of one importance and UTC hour. */
export function hourPrefix(hourStart: number, importance: number): string {
  const hh = String(new Date(hourStart).getUTCHours()).padStart(2, "0");
  return `${ARCHIVE_PREFIX}${utcDay(hourStart)}/importance-${importance}/${hh}-`;
}

/**
 * The objects of a range, slice by slice (see above). Hours are listed in an order that spreads
 * over the range (newest first, then the middle, then the quarters, …), so that when the list-call
 * budget runs out the hours listed still cover the whole range.
 */
export async function listRange(bucket: R2Bucket, options: ListingOptions): Promise<Listing> {
  const { range } = options;
  const listing: Listing = {
    objects: [],
    listCalls: 0,
    keysListed: 0,
    slices: 0,
    slicesListed: 0,
    cachedSlices: 0,
    complete: true,
    unlisted: [],
  };
  const budget = { left: options.maxListCalls, objects: options.maxObjects ?? MAX_LISTED_OBJECTS };
  const start = range.from - LOOK_BACK_MS;
  const first = hourStartOf(start);
  const last = hourStartOf(range.to);
  const startMinute = String(new Date(start).getUTCMinutes()).padStart(2, "0");
  const sliceOf = (hour: number, importance: Importance): Slice => {
    const prefix = hourPrefix(hour, importance);
    const seek = hour === first && startMinute !== "00";
    return { importance, hourStart: hour, prefix, ...(seek ? { startAfter: `${prefix}${startMinute}` } : {}) };
  };
  const allSlices = ((last - first) / HOUR_MS + 1) * options.importances.length;
  // A wide range holds few hours with objects: they are found first, and only theirs are made
  // (one slice per hour of `from: 0` to the year 2200 would not fit in memory).
  const present =
    allSlices > DISCOVER_ABOVE_SLICES ? await presentSlicePrefixes(bucket, first, last, options.importances, budget, listing) : undefined;
  if (present === undefined && allSlices > MAX_UNDISCOVERED_SLICES) {
    listing.complete = false;
    listing.slices = allSlices;
    return listing;
  }
  let slices: Slice[] = [];
  if (present) {
    for (const prefix of present) {
      const slice = sliceOfPrefix(prefix, sliceOf);
      if (slice && slice.hourStart >= first && slice.hourStart <= last) slices.push(slice);
    }
  } else {
    for (let hour = last; hour >= first; hour -= HOUR_MS)
      for (const importance of options.importances) slices.push(sliceOf(hour, importance));
  }
  listing.slices = slices.length;
  slices = spreadOrder(slices);

  const found = new Map<Slice, ListedObject[]>(slices.map((s) => [s, []]));
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < slices.length; i = next++) {
      const slice = slices[i]!;
      const done =
        budget.left > 0 &&
        budget.objects > 0 &&
        (await listSlice(bucket, slice, range, budget, listing, found.get(slice)!, options.archivedAt));
      if (done) listing.slicesListed++;
      else {
        listing.complete = false;
        listing.unlisted.push({ hourStart: slice.hourStart, importance: slice.importance });
        // What a slice cut short had listed is left out: a slice counts whole or not at all.
        found.set(slice, []);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 6, slices.length) }, worker));
  const byHour = [...found].sort(([a], [b]) => a.hourStart - b.hourStart || a.importance - b.importance);
  for (const [, objects] of byHour) listing.objects.push(...objects);
  return listing;
}

/** The slice of an hour prefix as the discovery lists it (`tail-events/2026-11-30/importance-2/03-`). */
function sliceOfPrefix(prefix: string, sliceOf: (hour: number, importance: Importance) => Slice): Slice | undefined {
  const parts = HOUR_PREFIX.exec(prefix.slice(ARCHIVE_PREFIX.length));
  if (!parts) return undefined;
  return sliceOf(Date.parse(`${parts[1]}T00:00:00Z`) + Number(parts[3]) * HOUR_MS, Number(parts[2]) as Importance);
}

const HOUR_PREFIX = /^(\d{4}-\d\d-\d\d)\/importance-([0-3])\/(\d\d)-$/;

/** Slices by hour in bit-reversed order of the hour's index (newest hour = 0). */
function spreadOrder(slices: Slice[]): Slice[] {
  if (slices.length === 0) return slices;
  const newest = Math.max(...slices.map((s) => s.hourStart));
  const hours = Math.max(...slices.map((s) => (newest - s.hourStart) / HOUR_MS)) + 1;
  const bits = Math.max(1, Math.ceil(Math.log2(hours)));
  const reversed = (i: number) => {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    return r;
  };
  return [...slices].sort(
    (a, b) => reversed((newest - a.hourStart) / HOUR_MS) - reversed((newest - b.hourStart) / HOUR_MS) || a.importance - b.importance,
  );
}

/** An hour this long past its end is closed: its slices are listed once and kept a while (see slice-cache.ts). */
const CLOSED_AFTER_MS = 15 * 60_000;

/** Lists one slice into `into` (from the cache when its hour is closed); false when the budget ran out first. */
async function listSlice(
  bucket: R2Bucket,
  slice: Slice,
  range: { from: number; to: number },
  budget: { left: number; objects: number },
  listing: Listing,
  into: ListedObject[],
  archivedAt: ArchivedAt | undefined,
): Promise<boolean> {
  const closed = slice.hourStart + HOUR_MS + CLOSED_AFTER_MS < Date.now() && slice.hourStart + HOUR_MS <= range.to;
  if (!closed) return listPages(bucket, slice, range, budget, listing, into);
  const objects = await closedSliceObjects(
    bucket,
    `${slice.prefix}|${slice.startAfter ?? ""}`,
    (whole) => listPages(bucket, slice, { from: Number.NEGATIVE_INFINITY, to: range.to }, budget, listing, whole),
    () => listing.cachedSlices++,
    archivedAt?.(slice.importance, slice.hourStart),
  );
  if (!objects) return false;
  for (const object of objects) {
    if (!mayHold(object, range)) continue;
    if (--budget.objects < 0) return false;
    into.push(object);
  }
  return true;
}

/** Lists one slice page by page into `into`; false when the budget ran out first. */
async function listPages(
  bucket: R2Bucket,
  slice: Slice,
  range: { from: number; to: number },
  budget: { left: number; objects: number },
  listing: Listing,
  into: ListedObject[],
): Promise<boolean> {
  let cursor: string | undefined;
  do {
    if (budget.left <= 0) return false;
    budget.left--;
    listing.listCalls++;
    const page = await bucket.list({
      prefix: slice.prefix,
      limit: PAGE,
      include: ["customMetadata"],
      ...(cursor ? { cursor } : slice.startAfter ? { startAfter: slice.startAfter } : {}),
    });
    listing.keysListed += page.objects.length;
    for (const object of page.objects) {
      const listed = listedObject(object);
      if (!listed) continue;
      // Keys sort by HH-MM: the first one after the range ends the slice.
      if (listed.keyMinute > range.to) return true;
      if (!mayHold(listed, range)) continue;
      if (--budget.objects < 0) return false;
      into.push(listed);
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return true;
}

function listedObject(object: R2Object): ListedObject | undefined {
  const parsed = parseArchiveKey(object.key);
  if (!parsed) return undefined;
  const hourStart = Date.parse(`${parsed.day}T00:00:00Z`) + parsed.hour * HOUR_MS;
  const meta = object.customMetadata ?? {};
  const number = (text: string | undefined) => {
    const n = text === undefined || text === "" ? Number.NaN : Number(text);
    return Number.isFinite(n) ? n : undefined;
  };
  const time = (text: string | undefined) => {
    const ms = Date.parse(text ?? "");
    return Number.isNaN(ms) ? undefined : ms;
  };
  return {
    key: object.key,
    size: object.size,
    importance: parsed.importance,
    hourStart,
    keyMinute: hourStart + parsed.minute * 60_000,
    eventCount: number(meta.eventCount),
    firstEventAt: time(meta.firstEventAt),
    lastEventAt: time(meta.lastEventAt),
    uploaded: object.uploaded.getTime(),
  };
}

/** From the key and metadata alone: the object may hold events of the range. */
function mayHold(object: ListedObject, range: { from: number; to: number }): boolean {
  if (object.keyMinute > range.to) return false;
  if (object.lastEventAt !== undefined && object.lastEventAt < range.from) return false;
  if (object.firstEventAt !== undefined && object.firstEventAt > range.to) return false;
  return true;
}

/**
 * The slice prefixes that hold keys, found with delimiter listings: the dates under tail-events/,
 * the importances of each date, the hours (`HH-`) of each importance. Undefined when the budget
 * ran out (every slice is then tried).
 */
async function presentSlicePrefixes(
  bucket: R2Bucket,
  first: number,
  last: number,
  importances: readonly Importance[],
  budget: { left: number; objects: number },
  listing: Listing,
): Promise<Set<string> | undefined> {
  const delimited = async (prefix: string, delimiter: string, startAfter?: string): Promise<string[] | undefined> => {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      if (budget.left <= 0) return undefined;
      budget.left--;
      listing.listCalls++;
      const page = await bucket.list({ prefix, delimiter, limit: PAGE, ...(cursor ? { cursor } : startAfter ? { startAfter } : {}) });
      out.push(...page.delimitedPrefixes);
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    return out;
  };
  const firstDay = utcDay(first);
  const lastDay = utcDay(last);
  const dates = await delimited(ARCHIVE_PREFIX, "/", `${ARCHIVE_PREFIX}${firstDay}`);
  if (!dates) return undefined;
  const days = dates.map((p) => p.slice(ARCHIVE_PREFIX.length, -1)).filter((d) => d >= firstDay && d <= lastDay);
  const present = new Set<string>();
  for (const day of days) {
    const folders = await delimited(`${ARCHIVE_PREFIX}${day}/`, "/");
    if (!folders) return undefined;
    for (const folder of folders) {
      const importance = Number(/importance-([0-3])\/$/.exec(folder)?.[1] ?? Number.NaN);
      if (!importances.includes(importance as Importance)) continue;
      const hours = await delimited(folder, "-");
      if (!hours) return undefined;
      for (const hour of hours) present.add(hour);
    }
  }
  return present;
}
