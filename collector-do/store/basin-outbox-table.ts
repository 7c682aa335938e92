import type { PendingObject } from "../basin/basin-state";

/** A spilled batch of objects still to send to Basin, oldest rows first. */
export interface SpilledBatch {
  seq: number;
  objects: PendingObject[];
  events: number;
}

/**
 * The `basin_outbox` table: objects still to send to Basin that no longer fit in the state row,
 * a few hundred per row (one row written per batch spilled, one per batch delivered or dropped).
 * Rows are taken oldest first; while Basin is reachable the table stays empty.
 */
export class BasinOutboxTable {
  constructor(private readonly sql: SqlStorage) {}

  append(objects: readonly PendingObject[]): number {
    const events = objects.reduce((sum, [, n]) => sum + n, 0);
    const row = this.sql
      .exec(
        "INSERT INTO basin_outbox (objects, object_count, events) VALUES (?, ?, ?) RETURNING seq",
        JSON.stringify(objects),
        objects.length,
        events,
      )
      .one();
    return Number(row.seq);
  }

  oldest(): SpilledBatch | undefined {
    const row = this.sql.exec("SELECT seq, objects, events FROM basin_outbox ORDER BY seq LIMIT 1").toArray()[0];
    if (!row) return undefined;
    return { seq: Number(row.seq), objects: JSON.parse(String(row.objects)) as PendingObject[], events: Number(row.events) };
  }

  delete(seq: number): void {
    this.sql.exec("DELETE FROM basin_outbox WHERE seq = ?", seq);
  }

  totals(): { rows: number; objects: number; events: number } {
    const row = this.sql
      .exec("SELECT COUNT(*) AS r, COALESCE(SUM(object_count), 0) AS o, COALESCE(SUM(events), 0) AS e FROM basin_outbox")
      .one();
    return { rows: Number(row.r), objects: Number(row.o), events: Number(row.e) };
  }
}
