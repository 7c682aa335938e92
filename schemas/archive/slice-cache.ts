import type { ListedObject } from "./listing";

/**
 * Slices of hours that ended a while ago, as listed, per bucket binding: the panels of one
 * dashboard refresh (listing at the same time: they share one listing in flight) and the
 * refreshes after it list the same closed hours. A closed hour still gains objects (late events,
 * long flush intervals, flushes delayed by R2 failures), so a reader that knows when the
 * collectors last archived into an hour passes it, and a slice listed before that is listed again.
 * Bounded by the objects held, oldest entries dropped first.
 */
export const SLICE_CACHE_MS = 5 * 60_000;
/**
 * How far the collectors' clocks and this isolate's may disagree: a slice listed less than this
 * after a collector's commit into its hour may predate the object.
 */
export const CLOCK_SKEW_MS = 10_000;
const SLICE_CACHE_OBJECTS = 50_000;

interface CachedSlice {
  at: number;
  objects: Promise<ListedObject[] | undefined>;
  size: number;
}

interface SliceCache {
  entries: Map<string, CachedSlice>;
  objects: number;
}

const sliceCaches = new WeakMap<R2Bucket, SliceCache>();

function sliceCache(bucket: R2Bucket): SliceCache {
  let cache = sliceCaches.get(bucket);
  if (!cache) sliceCaches.set(bucket, (cache = { entries: new Map(), objects: 0 }));
  return cache;
}

/** Drops `entry` if it is still the one cached under `key` (a newer listing may have replaced it). */
function forget(cache: SliceCache, key: string, entry: CachedSlice): void {
  if (cache.entries.get(key) !== entry) return;
  cache.entries.delete(key);
  cache.objects -= entry.size;
}

/**
 * Every object of the closed slice `key`: cached, shared with a listing of it in flight, or listed
 * now by `list` (which answers false when its budget ran out first: then undefined, and nothing is
 * kept). `hit` is called when an entry was found, cached or in flight; one in flight may still
 * answer undefined, when the listing that started it ran out of budget. `archivedAt`: when a
 * collector last archived into the slice's hour (its clock), if lately; an entry that may have
 * been listed before then is listed again.
 */
export async function closedSliceObjects(
  bucket: R2Bucket,
  key: string,
  list: (into: ListedObject[]) => Promise<boolean>,
  hit: () => void,
  archivedAt?: number,
): Promise<ListedObject[] | undefined> {
  const cache = sliceCache(bucket);
  let entry = cache.entries.get(key);
  const now = Date.now();
  if (entry && (now - entry.at > SLICE_CACHE_MS || (archivedAt !== undefined && entry.at <= archivedAt + CLOCK_SKEW_MS))) {
    forget(cache, key, entry);
    entry = undefined;
  }
  if (entry) hit();
  else {
    const whole: ListedObject[] = [];
    const created: CachedSlice = {
      at: now,
      size: 0,
      objects: list(whole).then((done) => {
        if (!done || whole.length > SLICE_CACHE_OBJECTS / 4) {
          forget(cache, key, created);
          return done ? whole : undefined;
        }
        if (cache.entries.get(key) !== created) return whole;
        created.size = whole.length;
        cache.objects += whole.length;
        for (const [old, other] of cache.entries) {
          if (cache.objects <= SLICE_CACHE_OBJECTS) break;
          if (old !== key) forget(cache, old, other);
        }
        return whole;
      }),
    };
    cache.entries.set(key, created);
    entry = created;
  }
  const found = entry;
  try {
    return await found.objects;
  } catch (error) {
    forget(cache, key, found);
    throw error;
  }
}
