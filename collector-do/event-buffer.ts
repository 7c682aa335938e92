import { IMPORTANCE_LEVELS, type Importance } from "../schemas/importance";
import type { BufferRow, RowTally } from "./buffer-rows";
import { SCHEMA_STATEMENTS } from "./buffer-schema";

export type Watermarks = Record<Importance, number>;

export interface UnflushedTotals {
  events: number;
  bytes: number;
  oldestReceivedAt: number | null;
}

export interface DayGroup {
  day: string;
  events: number;
  /** Size of the archive object these rows make: bodies, the commas between rows, the brackets. */
  bytes: number;
  first: number;
  last: number;
}

/** Rows fetched per page while streaming a flush, so memory stays bounded by a few rows. */
const PAGE_ROWS = 4;

/**
 * The durable buffer in the Durable Object's SQLite storage. An importance's events are
 * "unflushed" in rows with seq above that importance's watermark; a row is deleted once every
 * importance it holds is flushed.
 */
export class EventBuffer {
  constructor(private readonly sql: SqlStorage) {
    for (const statement of SCHEMA_STATEMENTS) sql.exec(statement);
  }

  /** Inserts rows with consecutive seqs from `firstSeq` (seqs never go back, even after deletes). */
  insert(rows: readonly BufferRow[], receivedAt: number, firstSeq: number): void {
    let seq = firstSeq;
    for (const row of rows) {
      const values: unknown[] = [seq++, row.day, receivedAt, row.ids.join(","), JSON.stringify(row.tally)];
      for (const level of IMPORTANCE_LEVELS) {
        const slice = row.slices[level];
        values.push(slice.events, slice.bytes, slice.first, slice.last, slice.body);
      }
      this.sql.exec(
        `INSERT INTO buffer (seq, day, received_at, ids, tally, ${COLUMN_LIST}) VALUES (${placeholders(values.length)})`,
        ...values,
      );
    }
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

  dayGroups(level: Importance, after: number, upTo: number): DayGroup[] {
    return this.sql
      .exec(
        `SELECT day, SUM(n${level}) AS n, SUM(b${level}) AS b, COUNT(*) AS c, MIN(t${level}) AS t, MAX(u${level}) AS u
         FROM buffer WHERE seq > ? AND seq <= ? AND n${level} > 0 GROUP BY day ORDER BY day`,
        after,
        upTo,
      )
      .toArray()
      .map((r) => ({
        day: String(r.day),
        events: Number(r.n),
        bytes: Number(r.b) + Number(r.c) + 1,
        first: Number(r.t),
        last: Number(r.u),
      }));
  }

  /** The comma-joined event JSON of one importance and day, a few rows at a time, in seq order. */
  *bodies(level: Importance, day: string, after: number, upTo: number): Generator<string> {
    let cursor = after;
    for (;;) {
      const page = this.sql
        .exec(
          `SELECT seq, body${level} AS body FROM buffer WHERE seq > ? AND seq <= ? AND day = ? AND n${level} > 0 ORDER BY seq LIMIT ${PAGE_ROWS}`,
          cursor,
          upTo,
          day,
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
    let bytes = 0;
    let events = 0;
    const lowest = Math.min(...IMPORTANCE_LEVELS.map((i) => watermarks[i]));
    for (const row of this.sql.exec(
      `SELECT seq, ${IMPORTANCE_LEVELS.map((i) => `n${i}, b${i}, body${i}`).join(", ")} FROM buffer WHERE seq > ? ORDER BY seq`,
      lowest,
    )) {
      for (const level of IMPORTANCE_LEVELS) {
        if (Number(row[`n${level}`]) === 0 || Number(row.seq) <= watermarks[level]) continue;
        const size = Number(row[`b${level}`]);
        if (bytes + size > maxBytes) return { json: `[${parts.join(",")}]`, events, truncated: true };
        parts.push(String(row[`body${level}`]));
        bytes += size;
        events += Number(row[`n${level}`]);
      }
    }
    return { json: `[${parts.join(",")}]`, events, truncated: false };
  }

  /** Deletes rows whose every importance is flushed; answers the ids they held. */
  sweep(watermarks: Watermarks): string[] {
    const condition = IMPORTANCE_LEVELS.map((i) => `(n${i} = 0 OR seq <= ${Math.floor(watermarks[i])})`).join(" AND ");
    return this.sql
      .exec(`DELETE FROM buffer WHERE ${condition} RETURNING ids`)
      .toArray()
      .flatMap((r) => String(r.ids).split(","));
  }

  /**
   * Ids of the rows received since `since`, newest rows first, about `maxIds` of them at most:
   * what the deduplication window needs after a restart, however large the buffer has grown.
   */
  recentIds(since: number, maxIds: number): { at: number; ids: string[] }[] {
    const rows: { at: number; ids: string[] }[] = [];
    let count = 0;
    for (const row of this.sql.exec("SELECT received_at, ids FROM buffer WHERE received_at >= ? ORDER BY seq DESC", since)) {
      const ids = String(row.ids).split(",");
      rows.push({ at: Number(row.received_at), ids });
      count += ids.length;
      if (count >= maxIds) break;
    }
    return rows;
  }

  /** Counter deltas of each row after `seq`: what was received since counters were last persisted. */
  *talliesSince(seq: number): Generator<{ perImportance: Record<Importance, number>; tally: RowTally }> {
    for (const row of this.sql.exec(`SELECT tally, n0, n1, n2, n3 FROM buffer WHERE seq > ?`, seq)) {
      const perImportance = { 0: 0, 1: 0, 2: 0, 3: 0 } as Record<Importance, number>;
      for (const level of IMPORTANCE_LEVELS) perImportance[level] = Number(row[`n${level}`]);
      yield { perImportance, tally: JSON.parse(String(row.tally)) as RowTally };
    }
  }
}

const COLUMN_LIST = IMPORTANCE_LEVELS.map((i) => `n${i}, b${i}, t${i}, u${i}, body${i}`).join(", ");

function placeholders(count: number): string {
  return Array.from({ length: count }, () => "?").join(", ");
}
