/**
 * Event ids seen recently, so that a batch delivered twice (the tail worker retrying a call whose
 * answer it did not get) is stored once. The window holds the ids ingested within `windowMs`, at
 * most `maxIds` of them (the oldest forgotten first); after a restart it is rebuilt from storage
 * the same way. Retries arrive within seconds, so the defaults (10 minutes, 200,000 ids) leave a
 * wide margin.
 */
export class DedupeWindow {
  private readonly seen = new Set<string>();
  /** Ids by arrival, oldest first; `next` is the first id of a generation not yet forgotten. */
  private readonly generations: { at: number; ids: readonly string[]; next: number }[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly maxIds: number,
  ) {}

  has(id: string): boolean {
    return this.seen.has(id);
  }

  /** Adds ids that arrived at `at`; calls must come in time order (restore adds oldest first). */
  add(ids: readonly string[], at: number): void {
    for (const id of ids) this.seen.add(id);
    this.generations.push({ at, ids, next: 0 });
    this.prune(at);
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    while (this.generations.length > 0) {
      const oldest = this.generations[0]!;
      const expired = oldest.at <= now - this.windowMs;
      if (!expired && this.seen.size <= this.maxIds) return;
      // Expired generations go whole; over the count, only as many ids as needed go.
      while (oldest.next < oldest.ids.length && (expired || this.seen.size > this.maxIds)) this.seen.delete(oldest.ids[oldest.next++]!);
      if (oldest.next === oldest.ids.length) this.generations.shift();
    }
  }
}

export const DEDUPE_WINDOW_MS = 10 * 60 * 1000;
export const DEDUPE_MAX_IDS = 200_000;
