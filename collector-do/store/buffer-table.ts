import { utcDay } from "../../schemas/archive/partition";
import { IMPORTANCE_LEVELS, type Importance } from "../../schemas/importance";
import type { BufferRow, RowTally } from "../buffer-rows";
import type { ObjectSelection, Watermarks } from "../collector-state";

export interface UnflushedTotals {
  events: number;
  bytes: number;
  oldestReceivedAt: number | null;
}

/** One row's share of an importance, as a flush plans its objects. */
export interface RowSlice {
  seq: number;
  events: number;
  bytes: number;
  first: number;
  last: number;
}

/** What an archive object made of a selection holds: its size includes the commas and brackets. */
export interface ObjectSummary {
  events: number;
  bytes: number;
  first: number;
  last: number;
}

/**
 * When a row may be overwritten by a new one instead of a new row being inserted: every importance
 * in it archived (seq at or below its watermark), and received at or before `expiredBy` (its ids
 * have left the deduplication window).
 */
export interface RecyclePolicy {
  watermarks: Watermarks;
  expiredBy: number;
}

/** Rows fetched per page while streaming a flush, so memory stays bounded by a few rows. */
const PAGE_ROWS = 4;

const SLICE_COLUMNS = IMPORTANCE_LEVELS.map((i) => `n${i}, b${i}, t${i}, u${i}, body${i}`).join(", ");
const ROW_COLUMNS = `seq, day, received_at, ids, tally, ${SLICE_COLUMNS}`;
const ROW_ASSIGNMENTS = ROW_COLUMNS.split(", ")
  .map((column) => `${column} = ?`)
  .join(", ");

/**
 * The `buffer` table: one row per commit and UTC hour (see buffer-rows.ts). An importance's
 * events are unflushed in rows with seq above its watermark. A row stays after every importance
 * in it is archived, until its ids leave the deduplication window; then the next commit
 * overwrites it (one row written) rather than deleting it and inserting another (two).
 */
export class BufferTable {
  constructor(private readonly sql: SqlStorage) {}

  /** Writes rows with consecutive seqs from `firstSeq`, each over a recyclable row when there is one. */
  write(rows: readonly BufferRow[], receivedAt: number, firstSeq: number, recycle: RecyclePolicy): void {
    let seq = firstSeq;
    for (const row of rows) {
      const values: unknown[] = [seq++, utcDay(row.hour), receivedAt, row.ids.join(","), JSON.stringify(row.tally)];
      for (const level of IMPORTANCE_LEVELS) {
        const slice = row.slices[level];
        values.push(slice.events, slice.bytes, slice.first, slice.last, slice.body);
      }
      const reusable = this.recyclableSeq(recycle);
      if (reusable === undefined) {
        this.sql.exec(`INSERT INTO buffer (${ROW_COLUMNS}) VALUES (${values.map(() => "?").join(", ")})`, ...values);
      } else {
        this.sql.exec(`UPDATE buffer SET ${ROW_ASSIGNMENTS} WHERE seq = ?`, ...values, reusable);
      }
    }
  }

  /** The oldest row, when it may be overwritten. Only the oldest is looked at: one row read. */
  private recyclableSeq(policy: RecyclePolicy): number | undefined {
    const oldest = this.sql.exec("SELECT seq, received_at, n0, n1, n2, n3 FROM buffer ORDER BY seq LIMIT 1").toArray()[0];
    if (!oldest || Number(oldest.received_at) > policy.expiredBy) return undefined;
    const seq = Number(oldest.seq);
    const archived = IMPORTANCE_LEVELS.every((level) => Number(oldest[`n${level}`]) === 0 || seq <= policy.watermarks[level]);
    return archived ? seq : undefined;
  }

  maxSeq(): number {
    return Number(this.sql.exec("SELECT COALESCE(MAX(seq), 0) AS s FROM buffer").one().s);
  }

  totals(level: Importance, after: number): UnflushedTotals {
    const row = this.sql
      .exec(
        `SELECT COALESCE(SUM(n${level}), 0) AS n, COALESCE(SUM(b${level}), 0) AS b, MIN(received_at) AS r FROM buffer WHERE seq > ? AND n${level} > 0`,
        after,
      )
      .one();
    return { events: Number(row.n), bytes: Number(row.b), oldestReceivedAt: row.r === null ? null : Number(row.r) };
  }

  /**
   * The slices of `level` in rows after `after`, in seq order, until they pass `maxBytes` (at
   * least one): what one flush takes on. Read lazily, so a long backlog is not read whole.
   */
  slicesAfter(level: Importance, after: number, maxBytes: number): RowSlice[] {
    const slices: RowSlice[] = [];
    let bytes = 0;
    for (const row of this.sql.exec(
      `SELECT seq, n${level} AS n, b${level} AS b, t${level} AS t, u${level} AS u FROM buffer WHERE seq > ? AND n${level} > 0 ORDER BY seq`,
      after,
    )) {
      if (slices.length > 0 && bytes + Number(row.b) > maxBytes) break;
      slices.push({ seq: Number(row.seq), events: Number(row.n), bytes: Number(row.b), first: Number(row.t), last: Number(row.u) });
      bytes += Number(row.b);
    }
    return slices;
  }

  summary(level: Importance, selection: ObjectSelection): ObjectSummary {
    const row = this.sql
      .exec(
        `SELECT COALESCE(SUM(n${level}), 0) AS n, COALESCE(SUM(b${level}), 0) AS b, COUNT(*) AS c, MIN(t${level}) AS t, MAX(u${level}) AS u
         FROM buffer WHERE ${selected(level)}`,
        selection.after,
        selection.through,
        selection.from,
        selection.to,
      )
      .one();
    const rows = Number(row.c);
    return {
      events: Number(row.n),
      bytes: rows === 0 ? 2 : Number(row.b) + rows + 1,
      first: Number(row.t),
      last: Number(row.u),
    };
  }

  /** The comma-joined event JSON of a selection, a few rows at a time, in seq order. */
  *bodies(level: Importance, selection: ObjectSelection): Generator<string> {
    let cursor = selection.after;
    for (;;) {
      const page = this.sql
        .exec(
          `SELECT seq, body${level} AS body FROM buffer WHERE ${selected(level)} ORDER BY seq LIMIT ${PAGE_ROWS}`,
          cursor,
          selection.through,
          selection.from,
          selection.to,
        )
        .toArray();
      for (const row of page) yield String(row.body);
      if (page.length < PAGE_ROWS) return;
      cursor = Number(page[page.length - 1]!.seq);
    }
  }

  /**
   * Drops the oldest unflushed events of one importance (rows after seq `after`) until `bytes` are
   * freed. Only used when the buffer overflows, so the row updates it costs are rare.
   */
  shedOldest(level: Importance, bytes: number, after: number): { events: number; bytes: number } {
    const victims: number[] = [];
    const freed = { events: 0, bytes: 0 };
    for (const row of this.sql.exec(
      `SELECT seq, n${level} AS n, b${level} AS b FROM buffer WHERE seq > ? AND n${level} > 0 ORDER BY seq`,
      after,
    )) {
      if (freed.bytes >= bytes) break;
      victims.push(Number(row.seq));
      freed.events += Number(row.n);
      freed.bytes += Number(row.b);
    }
    for (const seq of victims) {
      this.sql.exec(
        `UPDATE buffer SET n${level} = 0, b${level} = 0, t${level} = NULL, u${level} = NULL, body${level} = NULL WHERE seq = ?`,
        seq,
      );
    }
    return freed;
  }

  /**
   * Unflushed events of every importance as JSON array text, oldest rows first, stopping before
   * `maxBytes`: what a query adds to the archive so that it sees events still buffered.
   */
  unflushed(watermarks: Watermarks, maxBytes: number): { json: string; events: number; truncated: boolean } {
    const parts: string[] = [];
    let events = 0;
    const read = this.unflushedSlices(watermarks, maxBytes, (slice) => {
      parts.push(slice.body);
      events += slice.events;
    });
    return { json: `[${parts.join(",")}]`, events, truncated: read.truncated };
  }

  /**
   * Each unflushed slice (one importance's comma-joined events of one row), oldest rows first,
   * until the next would pass `maxBytes`.
   */
  unflushedSlices(
    watermarks: Watermarks,
    maxBytes: number,
    onSlice: (slice: { level: Importance; events: number; bytes: number; body: string }) => void,
  ): { bytes: number; truncated: boolean } {
    let bytes = 0;
    const lowest = Math.min(...IMPORTANCE_LEVELS.map((i) => watermarks[i]));
    for (const row of this.sql.exec(
      `SELECT seq, ${IMPORTANCE_LEVELS.map((i) => `n${i}, b${i}, body${i}`).join(", ")} FROM buffer WHERE seq > ? ORDER BY seq`,
      lowest,
    )) {
      for (const level of IMPORTANCE_LEVELS) {
        if (Number(row[`n${level}`]) === 0 || Number(row.seq) <= watermarks[level]) continue;
        const size = Number(row[`b${level}`]);
        if (bytes + size > maxBytes) return { bytes, truncated: true };
        onSlice({ level, events: Number(row[`n${level}`]), bytes: size, body: String(row[`body${level}`]) });
        bytes += size;
      }
    }
    return { bytes, truncated: false };
  }

  /** Deletes archived rows received at or before `expiredBy`; answers how many. */
  sweep(watermarks: Watermarks, expiredBy: number): number {
    const archived = IMPORTANCE_LEVELS.map((i) => `(n${i} = 0 OR seq <= ${Math.floor(watermarks[i])})`).join(" AND ");
    const cursor = this.sql.exec(`DELETE FROM buffer WHERE received_at <= ? AND ${archived}`, expiredBy);
    cursor.toArray();
    return cursor.rowsWritten;
  }

  /** When the newest row was received, or null for an empty table. */
  newestReceivedAt(): number | null {
    const value = this.sql.exec("SELECT MAX(received_at) AS r FROM buffer").one().r;
    return value === null ? null : Number(value);
  }

  /**
   * Ids of the rows received since `since`, newest rows first, about `maxIds` of them at most:
   * what the deduplication window needs after a restart, however large the buffer has grown.
   */
  recentIds(since: number, maxIds: number): { at: number; ids: string[] }[] {
    const rows: { at: number; ids: string[] }[] = [];
    let count = 0;
    for (const row of this.sql.exec("SELECT received_at, ids FROM buffer WHERE received_at >= ? ORDER BY received_at DESC", since)) {
      if (row.ids === "") continue;
      const ids = String(row.ids).split(",");
      rows.push({ at: Number(row.received_at), ids });
      count += ids.length;
      if (count >= maxIds) break;
    }
    return rows;
  }

  /** Counts carried by each row after `seq`: what was received since counters were last persisted. */
  *talliesSince(seq: number): Generator<{ receivedAt: number; perImportance: Record<Importance, number>; tally: RowTally }> {
    for (const row of this.sql.exec("SELECT received_at, tally, n0, n1, n2, n3 FROM buffer WHERE seq > ? ORDER BY seq", seq)) {
      const perImportance = { 0: 0, 1: 0, 2: 0, 3: 0 } as Record<Importance, number>;
      for (const level of IMPORTANCE_LEVELS) perImportance[level] = Number(row[`n${level}`]);
      yield { receivedAt: Number(row.received_at), perImportance, tally: JSON.parse(String(row.tally)) as RowTally };
    }
  }
}

/** Rows of a selection (bound in order: after, through, from, to). */
function selected(level: Importance): string {
  return `seq > ? AND seq <= ? AND n${level} > 0 AND t${level} >= ? AND t${level} < ?`;
}
