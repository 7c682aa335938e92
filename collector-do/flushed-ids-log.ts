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

  recent(now: number): string[] {
    return this.sql
      .exec("SELECT ids FROM flushed_ids WHERE at >= ?", now - this.windowMs)
      .toArray()
      .flatMap((row) => String(row.ids).split(","));
  }
}
