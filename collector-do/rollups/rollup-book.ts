import { HOUR_MS } from "../../schemas/archive/partition";
import { HourRollup } from "../../schemas/rollup/hour-rollup";
import type { RollupFile } from "../../schemas/rollup/rollup-format";

/** The rollup part of the collector's state row, as saved. */
export interface SavedRollups {
  /** Hours starting before this were archived into before this collector kept rollups (0: always kept them). */
  completeFrom: number;
  /** Flush commits so far: every rollup names the last one it counts. */
  commits: number;
  /** The latest hour ever opened: an hour at or before it that is not open was written and let go. */
  newestHour: number;
  hours: RollupFile[];
}

/** An hour's rollup is written at most this often (R2 takes one write per second per key; Class A costs). */
export const ROLLUP_WRITE_INTERVAL_MS = 60_000;
/** An hour that ended this long ago, written since its last commit, leaves the state row. */
export const KEEP_CLOSED_MS = 10 * 60_000;
/** Past this many open hours (a backlog after an outage), they are written at once, so the state row stays small. */
export const MAX_OPEN_HOURS = 8;

/**
 * The collector's rollups of the hours it is archiving into ("open" hours), kept in its state row:
 * every flush commit adds what it archived in the same transaction that advances the watermarks,
 * so a rollup counts each archived event exactly once whatever fails or is evicted around it.
 * Written to R2 whole (rollup-writer.ts), so a rewrite after an eviction counts nothing twice.
 * Which hours are written when is kept in memory only: after a restart every open hour is
 * written again.
 */
export class RollupBook {
  private readonly open = new Map<number, HourRollup>();
  /** Per open hour, the commit its R2 copy counts up to (in memory: after a restart, none is known). */
  private readonly written = new Map<number, { lastCommit: number; at: number }>();
  private lastWriteAt = 0;

  private constructor(
    private completeFrom: number,
    private commits: number,
    private newestHour: number,
  ) {}

  /** A collector that has archived nothing before keeps complete rollups of every hour. */
  static fresh(completeFrom: number): RollupBook {
    return new RollupBook(completeFrom, 0, Number.NEGATIVE_INFINITY);
  }

  static fromSaved(saved: SavedRollups): RollupBook {
    const book = new RollupBook(saved.completeFrom, saved.commits, saved.newestHour ?? Number.NEGATIVE_INFINITY);
    for (const file of saved.hours) {
      const rollup = HourRollup.fromFile(file);
      book.open.set(rollup.hourStart, rollup);
    }
    return book;
  }

  get commitCount(): number {
    return this.commits;
  }

  /** Hours among `hours` that were written and let go: their rollup must be read back before more is added. */
  closedAmong(hours: Iterable<number>): number[] {
    return [...new Set(hours)].filter((hour) => !this.open.has(hour) && hour <= this.newestHour);
  }

  /** Opens an hour again from its stored rollup (null: none stored), or, when that could not be read, as incomplete. */
  reopen(hour: number, collector: string, stored: RollupFile | null | "unreadable"): void {
    if (this.open.has(hour)) return;
    const rollup = stored === null || stored === "unreadable" ? this.newRollup(hour, collector) : HourRollup.fromFile(stored);
    if (stored === "unreadable") rollup.complete = false;
    this.open.set(hour, rollup);
  }

  /**
   * Counts one flush commit's archived events (per hour) and names the commit in each hour it
   * touched. Runs inside the commit's transaction; memory only, the state row carries it.
   */
  commit(contributions: ReadonlyMap<number, HourRollup>, collector: string): void {
    this.commits++;
    for (const [hour, contribution] of contributions) {
      let rollup = this.open.get(hour);
      if (!rollup) this.open.set(hour, (rollup = this.newRollup(hour, collector)));
      rollup.merge(contribution);
      rollup.lastCommit = this.commits;
    }
  }

  /** Open hours whose R2 copy is behind, when a write is due: once a minute, or at once past MAX_OPEN_HOURS. */
  dueWrites(now: number): HourRollup[] {
    if (now - this.lastWriteAt < ROLLUP_WRITE_INTERVAL_MS && this.open.size <= MAX_OPEN_HOURS) return [];
    return [...this.open.values()].filter((rollup) => {
      const written = this.written.get(rollup.hourStart);
      // R2 takes one write per second per key.
      return written?.lastCommit !== rollup.lastCommit && (written === undefined || now - written.at >= 1000);
    });
  }

  /** When the next write falls due, or null when every open hour is written. */
  nextWriteAt(): number | null {
    const behind = [...this.open.values()].some((r) => this.written.get(r.hourStart)?.lastCommit !== r.lastCommit);
    return behind ? this.lastWriteAt + ROLLUP_WRITE_INTERVAL_MS : null;
  }

  wrote(rollup: HourRollup, lastCommit: number, at: number): void {
    this.written.set(rollup.hourStart, { lastCommit, at });
    this.lastWriteAt = at;
  }

  /** Lets go of hours that ended KEEP_CLOSED_MS ago and are written as they stand. */
  dropClosed(now: number): void {
    for (const [hour, rollup] of this.open) {
      if (hour + HOUR_MS + KEEP_CLOSED_MS > now) continue;
      if (this.written.get(hour)?.lastCommit !== rollup.lastCommit) continue;
      this.open.delete(hour);
      this.written.delete(hour);
    }
  }

  /** The open hours overlapping [from, to], as stored rollups. */
  openHours(from: number, to: number): RollupFile[] {
    return [...this.open.values()].filter((r) => r.hourStart + HOUR_MS > from && r.hourStart <= to).map((r) => r.toFile());
  }

  toJSON(): SavedRollups {
    return {
      completeFrom: this.completeFrom,
      commits: this.commits,
      newestHour: this.newestHour,
      hours: [...this.open.values()].map((r) => r.toFile()),
    };
  }

  private newRollup(hour: number, collector: string): HourRollup {
    const rollup = new HourRollup(hour, collector);
    rollup.complete = hour >= this.completeFrom;
    this.newestHour = Math.max(this.newestHour, hour);
    return rollup;
  }
}
