import type { LiveStreamSet } from "../../schemas/live/streams";

const NONE: LiveStreamSet = { version: 0, streams: [] };

/**
 * The open streams as the hub last told this collector, kept in its SQLite so that an eviction or
 * restart does not forget them (the hub tells a shard only when the set changes). One row; the
 * table is created by the first set stored, so a collector no stream ever reached reads nothing.
 */
export class StreamSetStore {
  constructor(private readonly sql: SqlStorage) {}

  load(): LiveStreamSet {
    const table = this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'live_streams'").toArray();
    if (table.length === 0) return NONE;
    const row = this.sql.exec<{ version: number; streams: string }>("SELECT version, streams FROM live_streams WHERE id = 1").toArray()[0];
    if (row === undefined) return NONE;
    try {
      return { version: row.version, streams: JSON.parse(row.streams) as LiveStreamSet["streams"] };
    } catch (error) {
      // Unreadable: stream nothing until the hub's next set or answer replaces it.
      console.error(`live: the stored stream set is unreadable (${String(error)}); waiting for the hub's next one`);
      return { version: row.version, streams: [] };
    }
  }

  save(set: LiveStreamSet): void {
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS live_streams (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, streams TEXT NOT NULL)",
    );
    this.sql.exec("INSERT OR REPLACE INTO live_streams (id, version, streams) VALUES (1, ?, ?)", set.version, JSON.stringify(set.streams));
  }
}
