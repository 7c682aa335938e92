import { ARCHIVE_PREFIX, parseArchiveKey } from "../../schemas/archive/key";
import { utcDay } from "../../schemas/archive/partition";
import type { TimeRange } from "./time-range";

/** An archive object a query will read. */
export interface SelectedObject {
  key: string;
  size: number;
  importance: number;
}

export interface Selection {
  objects: SelectedObject[];
  bytes: number;
  /** Keys looked at in the listing (selected or pruned). */
  listed: number;
  /** False when the listing was abandoned because far more objects matched than a query may read. */
  complete: boolean;
}

export interface SelectionOptions {
  range: TimeRange;
  /** Objects of importances for which this is false are skipped (their keys say their importance). */
  importanceMayMatch: (importance: number) => boolean;
  /** The listing stops once this many objects are selected; the query is refused anyway. */
  stopAfter: number;
  /** The listing stops once this many keys were looked at, selected or not. */
  maxListed: number;
}

const DAY_MS = 86_400_000;

/**
 * The archive objects that may hold events of the time range, from R2's listing alone (nothing is
 * read): keys are listed in order from the range's first UTC day to its last; an object is
 * skipped when its day ends before the range, when the earliest event its key names (HH-MM) is
 * after the range, or when its metadata's firstEventAt/lastEventAt lie outside the range.
 */
export async function selectObjects(bucket: R2Bucket, options: SelectionOptions): Promise<Selection> {
  const { range } = options;
  const lastDay = utcDay(range.to);
  const selection: Selection = { objects: [], bytes: 0, listed: 0, complete: true };
  let cursor: string | undefined;
  do {
    const page = await bucket.list({
      prefix: ARCHIVE_PREFIX,
      // Keys of the first day sort right after its bare date: `tail-events/2026-01-02/…` > `tail-events/2026-01-02`.
      ...(cursor ? { cursor } : { startAfter: `${ARCHIVE_PREFIX}${utcDay(range.from)}` }),
      limit: 1000,
      include: ["customMetadata"],
    });
    for (const object of page.objects) {
      const parsed = parseArchiveKey(object.key);
      if (!parsed) continue;
      if (parsed.day > lastDay) return selection;
      // Another key of the range: stop here if the query is already known to be too large.
      if (selection.objects.length >= options.stopAfter || selection.listed >= options.maxListed) {
        selection.complete = false;
        return selection;
      }
      selection.listed++;
      if (!mayHoldRange(object, parsed.day, parsed.hour, parsed.minute, range)) continue;
      if (!options.importanceMayMatch(parsed.importance)) continue;
      selection.objects.push({ key: object.key, size: object.size, importance: parsed.importance });
      selection.bytes += object.size;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return selection;
}

function mayHoldRange(object: R2Object, day: string, hour: number, minute: number, range: TimeRange): boolean {
  const dayStart = Date.parse(`${day}T00:00:00Z`);
  if (dayStart + DAY_MS - 1 < range.from) return false;
  if (dayStart + hour * 3_600_000 + minute * 60_000 > range.to) return false;
  const first = Date.parse(object.customMetadata?.firstEventAt ?? "");
  const last = Date.parse(object.customMetadata?.lastEventAt ?? "");
  if (!Number.isNaN(last) && last < range.from) return false;
  if (!Number.isNaN(first) && first > range.to) return false;
  return true;
}
