import { errorMessage } from "../../schemas/lib/error-message";
import { rollupKey } from "../../schemas/rollup/rollup-format";
import type { RollupBook } from "./rollup-book";

export interface RollupWriterDeps {
  book: () => RollupBook;
  /** Read at every write, so a test can wrap the binding to inject faults. */
  bucket: () => R2Bucket;
  collector: string;
  /** Makes the collector wake up by then (its alarm), for writes an idle collector still owes. */
  wakeBy: (at: number) => Promise<void>;
}

/**
 * Writes the collector's rollups (rollup-book.ts) to R2: after each flush run and each alarm, the
 * open segments whose R2 copy is behind, whole (so a write repeated after an eviction changes
 * nothing), at most once a minute. Failures are logged and retried later; they never fail a flush.
 */
export class RollupWriter {
  private writing: Promise<void> | undefined;

  constructor(private readonly deps: RollupWriterDeps) {}

  /** The one call after a flush run (or an alarm without one): writes what is due and wakes up for the rest. */
  async afterFlush(now: number = Date.now()): Promise<void> {
    this.writing ??= this.writeDue(now).finally(() => {
      this.writing = undefined;
    });
    await this.writing;
    const next = this.deps.book().nextWriteAt();
    if (next !== null) await this.deps.wakeBy(Math.max(next, Date.now()));
  }

  private async writeDue(now: number): Promise<void> {
    const book = this.deps.book();
    for (const rollup of book.dueWrites(now)) {
      const file = rollup.toFile(now);
      const key = rollupKey(rollup.hourStart, this.deps.collector, rollup.firstCommit, rollup.complete);
      try {
        await this.deps.bucket().put(key, JSON.stringify(file), { httpMetadata: { contentType: "application/json" } });
        book.wrote(rollup, file.lastCommit, now);
      } catch (error) {
        console.error(`TailCollector could not write rollup ${key}: ${errorMessage(error)}`);
      }
    }
    book.dropClosed(now);
  }
}
