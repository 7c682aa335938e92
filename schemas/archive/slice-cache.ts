import type { ListedObject } from "./listing";

/**
 * Slices of hours that ended a while ago, as listed, per bucket binding: the panels of one
 * dashboard refresh (listing at the same time: they share one listing in flight) and the
 * refreshes after it list the same closed hours. A closed hour gains objects only from a flush
 * delayed by R2 failures, which a cached slice shows up to SLICE_CACHE_MS late. Bounded by the
 * objects held, oldest entries dropped first.
 */
const SLICE_CACHE_MS = 5 * 60_000;
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

function forget(cache: SliceCache, key: string): void {
  const entry = cache.entries.get(key);
  if (!entry) return;
  cache.entries.delete(key);
  cache.objects -= entry.size;
}

/**
 * Every object of the closed slice `key`: cached, shared with a listing of it in flight, or listed
 * now by `list` (which answers false when its budget ran out first: then undefined, and nothing is
 * kept). `hit` is called when an entry was found, cached or in flight; one in flight may still
 * answer undefined, when the listing that started it ran out of budget.
 */
export async function closedSliceObjects(
  bucket: R2Bucket,
  key: string,
  list: (into: ListedObject[]) => Promise<boolean>,
  hit: () => void,
): Promise<ListedObject[] | undefined> {
  const cache = sliceCache(bucket);
  let entry = cache.entries.get(key);
  if (entry && Date.now() - entry.at > SLICE_CACHE_MS) {
    forget(cache, key);
    entry = undefined;
  }
  if (entry) hit();
  else {
    const whole: ListedObject[] = [];
    const created: CachedSlice = {
      at: Date.now(),
      size: 0,
      objects: list(whole).then((done) => {
        if (!done || whole.length > SLICE_CACHE_OBJECTS / 4) {
          forget(cache, key);
          return done ? whole : undefined;
        }
        created.size = whole.length;
        cache.objects += whole.length;
        for (const [old] of cache.entries) {
          if (cache.objects <= SLICE_CACHE_OBJECTS) break;
          if (old !== key) forget(cache, old);
        }
        return whole;
      }),
    };
    cache.entries.set(key, created);
    entry = created;
  }
  try {
    return await entry.objects;
  } catch (error) {
    forget(cache, key);
    throw error;
  }
}
