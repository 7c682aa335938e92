import type { ListedObject, Listing } from "../../schemas/archive/listing";

/** One object to read, with the number of stored events each of its events stands for. */
export interface PlannedRead {
  object: ListedObject;
  /** 1 when every candidate is read; otherwise the stratum's candidates over what is read of it. */
  scale: number;
  /** Read only this many bytes from the head of the object. */
  maxBytes?: number;
}

/** What a sampled plan reads of what the range holds, per the listing's metadata. */
export interface SampleInfo {
  objects: number;
  candidateObjects: number;
  bytes: number;
  candidateBytes: number;
  /** Stored events of the candidates (metadata, estimated where an object has none). */
  candidateEvents: number;
}

export interface Budget {
  objects: number;
  bytes: number;
}

/** Below this, a partial read of a large object is not worth a request. */
const MIN_PARTIAL_BYTES = 64 * 1024;
/** Stored events per byte assumed for objects without an eventCount in their metadata. */
const FALLBACK_BYTES_PER_EVENT = 600;

export function withinBudget(objects: readonly ListedObject[], budget: Budget): boolean {
  return objects.length <= budget.objects && objects.reduce((sum, o) => sum + o.size, 0) <= budget.bytes;
}

/** Every candidate, read whole, each event standing for itself. */
export function exactPlan(objects: readonly ListedObject[]): PlannedRead[] {
  return objects.map((object) => ({ object, scale: 1 }));
}

/**
 * A bounded sample of the candidates: per importance (a stratum: object sizes and event mixes
 * differ most between importances) an equal share of the object and byte budgets, spent on objects
 * spread evenly over the range; an object larger than what its stratum has left is read in part.
 * Each event read stands for (stratum's stored events) / (stratum's stored events read), so counts
 * and sums estimate the whole range; a listing cut short by its budget scales up by the share of
 * hours it listed.
 */
export function samplePlan(listing: Listing, budget: Budget): { reads: PlannedRead[]; info: SampleInfo } {
  const objects = listing.objects;
  const known = objects.filter((o) => o.eventCount !== undefined && o.size > 0);
  const bytesPerEvent =
    known.length === 0 ? FALLBACK_BYTES_PER_EVENT : known.reduce((s, o) => s + o.size, 0) / known.reduce((s, o) => s + o.eventCount!, 0);
  const eventsOf = (o: ListedObject) => o.eventCount ?? Math.max(1, Math.round(o.size / bytesPerEvent));
  const unlisted = listing.slicesListed > 0 ? listing.slices / listing.slicesListed : 1;

  const strata = new Map<number, ListedObject[]>();
  for (const o of objects) strata.set(o.importance, [...(strata.get(o.importance) ?? []), o]);
  const groups = [...strata.values()];
  const objectShares = fairShares(
    budget.objects,
    groups.map((g) => g.length),
  );
  const reads: PlannedRead[] = [];
  const info: SampleInfo = {
    objects: 0,
    candidateObjects: objects.length,
    bytes: 0,
    candidateBytes: objects.reduce((s, o) => s + o.size, 0),
    candidateEvents: Math.round(objects.reduce((s, o) => s + eventsOf(o), 0) * unlisted),
  };
  const picked = groups.map((group, i) => spread(group, objectShares[i]!));
  const byteShares = fairShares(
    budget.bytes,
    picked.map((p) => p.reduce((s, o) => s + o.size, 0)),
  );
  picked.forEach((chosen, i) => {
    const group = groups[i]!;
    let left = byteShares[i]!;
    const plans: { object: ListedObject; maxBytes?: number; events: number }[] = [];
    for (const object of chosen) {
      if (object.size <= left) {
        plans.push({ object, events: eventsOf(object) });
        left -= object.size;
      } else if (left >= MIN_PARTIAL_BYTES) {
        plans.push({ object, maxBytes: left, events: (eventsOf(object) * left) / object.size });
        left = 0;
      }
    }
    const planned = plans.reduce((s, p) => s + p.events, 0);
    if (planned === 0) return;
    const scale = (group.reduce((s, o) => s + eventsOf(o), 0) / planned) * unlisted;
    for (const p of plans) {
      reads.push({ object: p.object, scale, ...(p.maxBytes === undefined ? {} : { maxBytes: p.maxBytes }) });
      info.objects++;
      info.bytes += p.maxBytes ?? p.object.size;
    }
  });
  return { reads, info };
}

/** `count` items of `items` spread evenly over them (items are in time order). */
function spread<T>(items: readonly T[], count: number): T[] {
  if (count >= items.length) return [...items];
  return Array.from({ length: count }, (_, j) => items[Math.floor(((j + 0.5) * items.length) / count)]!);
}

/** `total` split into equal shares, none above what its group wants, the rest given to the others. */
function fairShares(total: number, wants: readonly number[]): number[] {
  const shares = wants.map(() => 0);
  let left = total;
  let open = wants.map((_, i) => i).filter((i) => wants[i]! > 0);
  while (left > 0 && open.length > 0) {
    const each = Math.floor(left / open.length);
    if (each === 0) break;
    for (const i of open) {
      const give = Math.min(each, wants[i]! - shares[i]!);
      shares[i]! += give;
      left -= give;
    }
    open = open.filter((i) => shares[i]! < wants[i]!);
  }
  return shares;
}
