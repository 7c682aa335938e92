import { Hash64 } from "../schemas/lib/hash64";

/**
 * How long, and for how many ids, a shard recognises an event it already took. Ids are unique per
 * tail invocation and reused only when the tail worker retries the same call (5 attempts, backoff
 * capped at 2 s: all within seconds), so a minute covers every retry and a restart in between.
 * At most DEDUPE_MAX_IDS are held: past 10,000 events/s into one shard the window is shorter than
 * a minute (60 s × 10,000 = 600,000), still far above the retry horizon.
 */
export const DEDUPE_WINDOW_MS = 60_000;
export const DEDUPE_MAX_IDS = 600_000;

const MIN_SLOTS = 1024;
/** Past this share of used slots (live or forgotten) the table is rebuilt, so probes stay short. */
const MAX_LOAD = 0.7;

/**
 * Event ids seen recently, so that a batch delivered twice is stored once. The window holds the
 * ids that arrived within `windowMs`, at most `maxIds` of them (the oldest forgotten first); after
 * a restart it is rebuilt from storage the same way.
 *
 * Ids are kept as 64-bit fingerprints in an open-addressing table of typed arrays: about 30 bytes
 * per id rather than the ~130 a Set of strings takes, so a full window fits in a few MiB of the
 * isolate's 128 MB. A fresh id is mistaken for a seen one with probability size / 2^64 (below
 * 10^-13 for a full window).
 */
export class DedupeWindow {
  private hi = new Int32Array(MIN_SLOTS);
  private lo = new Int32Array(MIN_SLOTS);
  /** Arrival number of the id in each slot (ids are numbered from 1 as they arrive); 0: empty. */
  private stamp = new Float64Array(MIN_SLOTS);
  private used = 0;
  private added = 0;
  /** Ids numbered below this are forgotten; their slots are reused as the table is probed. */
  private liveFrom = 1;
  /** First arrival number of each `add`, oldest first, for forgetting by age. */
  private readonly generations: { at: number; first: number }[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly maxIds: number,
  ) {}

  has(id: string): boolean {
    const [hi, lo] = fingerprint(id);
    return this.probe(hi, lo).found;
  }

  /** Adds ids that arrived at `at`; calls must come in time order (restore adds oldest first). */
  add(ids: readonly string[], at: number): void {
    this.generations.push({ at, first: this.added + 1 });
    for (const id of ids) {
      const [hi, lo] = fingerprint(id);
      const { found, slot } = this.probe(hi, lo);
      if (found) continue;
      if (this.stamp[slot] === 0) this.used++;
      this.hi[slot] = hi;
      this.lo[slot] = lo;
      this.stamp[slot] = ++this.added;
      if (this.size > this.maxIds) this.liveFrom++;
      if (this.used > this.stamp.length * MAX_LOAD) this.rebuild();
    }
    this.forget(at);
  }

  get size(): number {
    return this.added - this.liveFrom + 1;
  }

  /** Finds a live copy of the fingerprint, or the slot to store it in (the first forgotten or empty one). */
  private probe(hi: number, lo: number): { found: boolean; slot: number } {
    const mask = this.stamp.length - 1;
    let reusable = -1;
    for (let slot = hi & mask; ; slot = (slot + 1) & mask) {
      const stamp = this.stamp[slot]!;
      if (stamp === 0) return { found: false, slot: reusable >= 0 ? reusable : slot };
      if (stamp < this.liveFrom) {
        if (reusable < 0) reusable = slot;
      } else if (this.hi[slot] === hi && this.lo[slot] === lo) {
        return { found: true, slot };
      }
    }
  }

  private forget(now: number): void {
    while (this.generations.length > 0 && this.generations[0]!.at <= now - this.windowMs) {
      this.generations.shift();
      this.liveFrom = Math.max(this.liveFrom, this.generations[0]?.first ?? this.added + 1);
    }
    this.liveFrom = Math.max(this.liveFrom, this.added - this.maxIds + 1);
    while (this.generations.length > 1 && this.generations[1]!.first <= this.liveFrom) this.generations.shift();
  }

  /** Rehashes the live ids into a table sized for them, dropping forgotten ones. */
  private rebuild(): void {
    const { hi, lo, stamp, liveFrom } = this;
    let slots = MIN_SLOTS;
    while (slots * (MAX_LOAD / 2) < this.size) slots *= 2;
    this.hi = new Int32Array(slots);
    this.lo = new Int32Array(slots);
    this.stamp = new Float64Array(slots);
    this.used = 0;
    for (let i = 0; i < stamp.length; i++) {
      if (stamp[i]! < liveFrom) continue;
      const { slot } = this.probe(hi[i]!, lo[i]!);
      this.hi[slot] = hi[i]!;
      this.lo[slot] = lo[i]!;
      this.stamp[slot] = stamp[i]!;
      this.used++;
    }
  }
}

function fingerprint(id: string): [number, number] {
  const hex = new Hash64().update(id).hex();
  return [Number.parseInt(hex.slice(0, 8), 16) | 0, Number.parseInt(hex.slice(8), 16) | 0];
}
