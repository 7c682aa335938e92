import { HOUR_MS } from "../../../schemas/archive/partition";
import { errorMessage } from "../../../schemas/lib/error-message";
import {
  parseRollupFile,
  parseRollupKey,
  ROLLUP_PREFIX,
  type RollupFile,
  type RollupKey,
  rollupDayPrefix,
} from "../../../schemas/rollup/rollup-format";

const DAY_MS = 24 * HOUR_MS;
/** R2 answers at most this many keys per list call. */
const PAGE = 1000;
/**
 * R2 operations of one query at the same time: a Worker keeps at most six connections open at
 * once, and R2 calls are among them.
 */
export const R2_CONCURRENCY = 6;

export interface RollupKeys {
  segments: RollupKey[];
  listCalls: number;
  keysListed: number;
}

/**
 * The keys of the stored rollups of the hours from `firstHour` to `lastHour`, one listing per UTC
 * day (`tail-rollups/YYYY-MM-DD/`, 24 hours × the collectors, so one list call per day up to 41
 * collectors), the first day from its first hour on and the last one up to its last.
 */
export async function listRollupKeys(bucket: R2Bucket, firstHour: number, lastHour: number): Promise<RollupKeys> {
  const found: RollupKeys = { segments: [], listCalls: 0, keysListed: 0 };
  const firstDay = Math.floor(firstHour / DAY_MS) * DAY_MS;
  let days: number[] = [];
  // A range of many days (a wide query, or a batch's union of distant ones) lists only the days
  // that hold rollups, found with a few delimited calls, rather than one call per day.
  if ((lastHour - firstDay) / DAY_MS >= DISCOVER_ABOVE_DAYS) days = await daysWithRollups(bucket, firstDay, lastHour, found);
  else for (let day = firstDay; day <= lastHour; day += DAY_MS) days.push(day);
  await inParallel(days, async (day) => {
    const prefix = rollupDayPrefix(day);
    const startAfter = firstHour > day ? `${prefix}${new Date(firstHour).toISOString().slice(11, 13)}` : undefined;
    let cursor: string | undefined;
    do {
      found.listCalls++;
      const page = await bucket.list({ prefix, limit: PAGE, ...(cursor ? { cursor } : startAfter ? { startAfter } : {}) });
      found.keysListed += page.objects.length;
      for (const object of page.objects) {
        const parsed = parseRollupKey(object.key);
        if (!parsed || parsed.hourStart < firstHour) continue;
        if (parsed.hourStart > lastHour) return;
        found.segments.push(parsed);
      }
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
  });
  return found;
}

/** Up to a month, every day is listed: finding the days first would only add a call. */
const DISCOVER_ABOVE_DAYS = 31;

async function daysWithRollups(bucket: R2Bucket, firstDay: number, lastHour: number, found: RollupKeys): Promise<number[]> {
  const days: number[] = [];
  let cursor: string | undefined;
  const startAfter = rollupDayPrefix(firstDay - DAY_MS);
  do {
    found.listCalls++;
    const page = await bucket.list({ prefix: ROLLUP_PREFIX, delimiter: "/", limit: PAGE, ...(cursor ? { cursor } : { startAfter }) });
    for (const prefix of page.delimitedPrefixes) {
      const day = Date.parse(`${prefix.slice(ROLLUP_PREFIX.length, -1)}T00:00:00Z`);
      if (day > lastHour) return days;
      if (day >= firstDay) days.push(day);
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return days;
}

export interface RollupReads {
  reads: number;
  bytes: number;
  unreadable: { key: string; message: string }[];
}

/**
 * Reads stored rollups, R2_CONCURRENCY at a time, handing each to `onFile` as it arrives (so a
 * query holds one parsed rollup per read under way, never all of them).
 */
export async function readRollups(bucket: R2Bucket, keys: readonly string[], onFile: (file: RollupFile) => void): Promise<RollupReads> {
  const result: RollupReads = { reads: 0, bytes: 0, unreadable: [] };
  await inParallel(keys, async (key) => {
    try {
      const object = await bucket.get(key);
      result.reads++;
      if (object === null) throw new Error("it is gone");
      const text = await object.text();
      result.bytes += text.length;
      const file = parseRollupFile(text);
      if ("error" in file) throw new Error(file.error);
      onFile(file);
    } catch (error) {
      result.unreadable.push({ key, message: errorMessage(error) });
    }
  });
  return result;
}

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(R2_CONCURRENCY, items.length) }, worker));
}
