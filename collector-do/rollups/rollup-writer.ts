import { errorMessage } from "../../schemas/lib/error-message";
import { parseRollupFile, rollupKey } from "../../schemas/rollup/rollup-format";
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
 * Moves the collector's rollups (rollup-book.ts) to and from R2: after each flush run and each
 * alarm, writes the open hours whose R2 copy is behind, whole (so a write repeated after an
 * eviction changes nothing), at most once a minute; and reads back the stored rollup of an hour
 * that late events reopen. Failures are logged and retried later; they never fail a flush.
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

  /** Reads back the stored rollups of the closed hours among `hours` before a commit adds to them. */
  async reopen(hours: Iterable<number>): Promise<void> {
    const book = this.deps.book();
    for (const hour of book.closedAmong(hours)) {
      const key = rollupKey(hour, this.deps.collector);
      try {
        const object = await this.deps.bucket().get(key);
        const file = object === null ? null : parseRollupFile(await object.text());
        if (file !== null && "error" in file) throw new Error(file.error);
        book.reopen(hour, this.deps.collector, file);
      } catch (error) {
        console.error(`TailCollector could not read back rollup ${key}: ${errorMessage(error)}; it is rebuilt as incomplete`);
        book.reopen(hour, this.deps.collector, "unreadable");
      }
    }
  }

  private async writeDue(now: number): Promise<void> {
    const book = this.deps.book();
    for (const rollup of book.dueWrites(now)) {
      const file = rollup.toFile(now);
      const key = rollupKey(rollup.hourStart, this.deps.collector);
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
