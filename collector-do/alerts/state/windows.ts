/**
 * A group's sliding window as time buckets: [start, count, of], oldest first. A bucket is 1/30
 * of the window (at least a second), so a count may include events up to that much older than
 * the window: a rule fires no later for it, and resolves at most 1/30 of its window later.
 */
export type Bucket = [start: number, count: number, of: number];

export const BUCKETS_PER_WINDOW = 30;

export function bucketWidthMs(windowMs: number): number {
  return Math.max(1_000, Math.round(windowMs / BUCKETS_PER_WINDOW / 1_000) * 1_000);
}

export function addToBuckets(buckets: Bucket[], at: number, widthMs: number, count: number, of: number): void {
  const start = at - (at % widthMs);
  const last = buckets[buckets.length - 1];
  if (last !== undefined && last[0] === start) {
    last[1] += count;
    last[2] += of;
  } else buckets.push([start, count, of]);
}

/** A bucket counts while any part of it lies within the window ending now. */
const inWindow = (bucket: Bucket, now: number, windowMs: number, widthMs: number) => bucket[0] + widthMs > now - windowMs;

export function windowTotals(buckets: readonly Bucket[], now: number, windowMs: number, widthMs: number): { count: number; of: number } {
  let count = 0;
  let of = 0;
  for (const bucket of buckets) {
    if (!inWindow(bucket, now, windowMs, widthMs)) continue;
    count += bucket[1];
    of += bucket[2];
  }
  return { count, of };
}

/** Drops the buckets that left the window; answers whether any did. */
export function pruneBuckets(buckets: Bucket[], now: number, windowMs: number, widthMs: number): boolean {
  let stale = 0;
  while (stale < buckets.length && !inWindow(buckets[stale]!, now, windowMs, widthMs)) stale++;
  buckets.splice(0, stale);
  return stale > 0;
}

/** When the oldest bucket leaves the window (the count can drop then), or null without buckets. */
export function oldestExitAt(buckets: readonly Bucket[], windowMs: number, widthMs: number): number | null {
  return buckets.length === 0 ? null : buckets[0]![0] + widthMs + windowMs;
}

/** When the window is empty, or null without buckets. */
export function newestExitAt(buckets: readonly Bucket[], windowMs: number, widthMs: number): number | null {
  return buckets.length === 0 ? null : buckets[buckets.length - 1]![0] + widthMs + windowMs;
}
