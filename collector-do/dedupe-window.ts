/**
 * Event ids seen recently, so that a batch delivered twice (the tail worker retrying a call whose
 * answer it did not get) is stored once. The window holds the ids ingested within `windowMs`, up
 * to `maxIds` (oldest forgotten first); after a restart it is rebuilt from the ids still buffered
 * and those flushed within the window. Retries arrive within seconds, so the defaults (10 minutes,
 * 200,000 ids) leave a wide margin.
 */
export class DedupeWindow {
  private readonly seen = new Set<string>();
  private readonly generations: { at: number; ids: readonly string[] }[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly maxIds: number,
  ) {}

  has(id: string): boolean {
    return this.seen.has(id);
  }

  add(ids: readonly string[], at: number): void {
    for (const id of ids) this.seen.add(id);
    this.generations.push({ at, ids });
    this.prune(at);
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    while (this.generations.length > 1) {
      const oldest = this.generations[0]!;
      if (oldest.at > now - this.windowMs && this.seen.size <= this.maxIds) return;
      this.generations.shift();
      for (const id of oldest.ids) this.seen.delete(id);
    }
  }
}

export const DEDUPE_WINDOW_MS = 10 * 60 * 1000;
export const DEDUPE_MAX_IDS = 200_000;
