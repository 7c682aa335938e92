/**
 * Ids of events whose buffer rows were deleted, kept durably for the deduplication window so that
 * a retried delivery is still recognised after the collector restarts. One row per flush commit,
 * not per event.
 */
const IDS_PER_ROW = 20_000;

export class FlushedIdsLog {
  constructor(
    private readonly sql: SqlStorage,
    private readonly windowMs: number,
  ) {}

  append(ids: readonly string[], now: number): void {
    // Chunked so a row stays far below SQLite's 2 MB limit after a long outage's backlog.
    for (let i = 0; i < ids.length; i += IDS_PER_ROW) {
      this.sql.exec("INSERT INTO flushed_ids (at, ids) VALUES (?, ?)", now, ids.slice(i, i + IDS_PER_ROW).join(","));
    }
    this.sql.exec("DELETE FROM flushed_ids WHERE at < ?", now - this.windowMs);
  }

  /** Ids flushed within the window, newest first, about `maxIds` of them at most. */
  recent(now: number, maxIds: number): { at: number; ids: string[] }[] {
    const rows: { at: number; ids: string[] }[] = [];
    let count = 0;
    for (const row of this.sql.exec("SELECT at, ids FROM flushed_ids WHERE at >= ? ORDER BY at DESC", now - this.windowMs)) {
      const ids = String(row.ids).split(",");
      rows.push({ at: Number(row.at), ids });
      count += ids.length;
      if (count >= maxIds) break;
    }
    return rows;
  }
}
