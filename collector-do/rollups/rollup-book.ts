import { HOUR_MS } from "../../schemas/archive/partition";
import { HourRollup } from "../../schemas/rollup/hour-rollup";
import type { RollupFile } from "../../schemas/rollup/rollup-format";

/** The rollup part of the collector's state row, as saved. */
export interface SavedRollups {
  /** Hours starting before this were archived into before this collector kept rollups (0: always kept them). */
  completeFrom: number;
  /** Flush commits so far: every rollup names the first and last one it counts. */
  commits: number;
  hours: RollupFile[];
}

/** An hour's rollup is written at most this often (R2 takes one write per second per key; Class A costs). */
export const ROLLUP_WRITE_INTERVAL_MS = 60_000;
/** A segment leaves the state row once written, this long after its hour ended and after it was opened. */
export const KEEP_OPEN_MS = 10 * 60_000;
/** Past this many open hours (a backlog after an outage), they are written at once, so the state row stays small. */
export const MAX_OPEN_HOURS = 8;

/**
 * The collector's rollups of the hours it is archiving into ("open" segments, one per hour at
 * most), kept in its state row: every flush commit adds what it archived in the same transaction
 * that advances the watermarks, so a rollup counts each archived event exactly once whatever fails
 * or is evicted around it. Written to R2 whole (rollup-writer.ts), so a write repeated after an
 * eviction counts nothing twice. A segment is let go only once written; events of its hour that
 * are archived later open a new segment (rollup-format.ts), so a stored rollup never changes after
 * its collector let it go. Which segments are written when is kept in memory only: after a restart
 * every open segment is written again.
 */
export class RollupBook {
  private readonly open = new Map<number, HourRollup>();
  /** Per open hour, the commit its R2 copy counts up to (in memory: after a restart, none is known). */
  private readonly written = new Map<number, { lastCommit: number; at: number }>();
  /** When each open segment was opened (in memory: after a restart, the restart). */
  private readonly openedAt = new Map<number, number>();
  private lastWriteAt = 0;

  private constructor(
    private readonly completeFrom: number,
    private commits: number,
  ) {}

  /** Rollups of a collector that has kept them since `completeFrom` (0: since it first archived anything). */
  static fresh(completeFrom: number): RollupBook {
    return new RollupBook(completeFrom, 0);
  }

  static fromSaved(saved: SavedRollups, now: number = Date.now()): RollupBook {
    const book = new RollupBook(saved.completeFrom, saved.commits);
    for (const file of saved.hours) {
      const rollup = HourRollup.fromFile(file);
      book.open.set(rollup.hourStart, rollup);
      book.openedAt.set(rollup.hourStart, now);
    }
    return book;
  }

  get commitCount(): number {
    return this.commits;
  }

  /**
   * Counts one flush commit's archived events (per hour), opening a segment for an hour that has
   * none open. Runs inside the commit's transaction; the state row saved there carries it.
   */
  commit(contributions: ReadonlyMap<number, HourRollup>, collector: string, now: number = Date.now()): void {
    this.commits++;
    for (const [hour, contribution] of contributions) {
      let rollup = this.open.get(hour);
      if (!rollup) {
        rollup = new HourRollup(hour, collector);
        rollup.complete = hour >= this.completeFrom;
        rollup.firstCommit = this.commits;
        this.open.set(hour, rollup);
        this.openedAt.set(hour, now);
      }
      rollup.merge(contribution);
      rollup.lastCommit = this.commits;
    }
  }

  /** Open segments whose R2 copy is behind, when a write is due: once a minute, or at once past MAX_OPEN_HOURS. */
  dueWrites(now: number): HourRollup[] {
    if (now - this.lastWriteAt < ROLLUP_WRITE_INTERVAL_MS && this.open.size <= MAX_OPEN_HOURS) return [];
    return [...this.open.values()].filter((rollup) => {
      const written = this.written.get(rollup.hourStart);
      // R2 takes one write per second per key.
      return written?.lastCommit !== rollup.lastCommit && (written === undefined || now - written.at >= 1000);
    });
  }

  /** When the next write falls due, or null when every open segment is written. */
  nextWriteAt(): number | null {
    const behind = [...this.open.values()].some((r) => this.written.get(r.hourStart)?.lastCommit !== r.lastCommit);
    return behind ? this.lastWriteAt + ROLLUP_WRITE_INTERVAL_MS : null;
  }

  wrote(rollup: HourRollup, lastCommit: number, at: number): void {
    if (this.open.get(rollup.hourStart) !== rollup) return;
    this.written.set(rollup.hourStart, { lastCommit, at });
    this.lastWriteAt = at;
  }

  /** Lets go of segments written as they stand, KEEP_OPEN_MS after their hour ended and after they were opened. */
  dropClosed(now: number): void {
    for (const [hour, rollup] of this.open) {
      if (hour + HOUR_MS + KEEP_OPEN_MS > now || (this.openedAt.get(hour) ?? now) + KEEP_OPEN_MS > now) continue;
      if (this.written.get(hour)?.lastCommit !== rollup.lastCommit) continue;
      this.open.delete(hour);
      this.written.delete(hour);
      this.openedAt.delete(hour);
    }
  }

  /** The open segments of hours overlapping [from, to], as stored rollups. */
  openHours(from: number, to: number): RollupFile[] {
    return [...this.open.values()].filter((r) => r.hourStart + HOUR_MS > from && r.hourStart <= to).map((r) => r.toFile());
  }

  toJSON(): SavedRollups {
    return { completeFrom: this.completeFrom, commits: this.commits, hours: [...this.open.values()].map((r) => r.toFile()) };
  }
}
