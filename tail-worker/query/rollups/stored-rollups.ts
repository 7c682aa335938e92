import { HOUR_MS } from "../../../schemas/archive/partition";
import { errorMessage } from "../../../schemas/lib/error-message";
import { parseRollupFile, parseRollupKey, type RollupFile, type RollupKey, rollupDayPrefix } from "../../../schemas/rollup/rollup-format";

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
  const days: number[] = [];
  for (let day = Math.floor(firstHour / DAY_MS) * DAY_MS; day <= lastHour; day += DAY_MS) days.push(day);
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
