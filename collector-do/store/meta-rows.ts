/**
 * Small JSON values in the `meta` table, one row each: the collector's state, the flush backoff,
 * the schema version, the live streams' filters. Each save is one row written.
 */
export class MetaRows {
  constructor(private readonly sql: SqlStorage) {}

  read(key: string): string | null {
    const row = this.sql.exec("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return row ? String(row.value) : null;
  }

  write(key: string, value: string): void {
    this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value);
  }
}
