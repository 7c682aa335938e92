/** What the hub last told the shards: the set's version and content, and shards still to be told. */
export interface PublishedSet {
  version: number;
  /** The streams as JSON: a new set is published only when this changes. */
  signature: string;
  /** Shard indexes that have not taken this version yet (retried by the alarm). */
  pending: number[];
  /** Alarm retries in a row that left some shard untold (for the backoff). */
  failures: number;
}

const NOTHING_PUBLISHED: PublishedSet = { version: 0, signature: "[]", pending: [], failures: 0 };

/**
 * The hub's SQLite: used ticket nonces (a ticket opens one stream, once) and the published set.
 * The open streams themselves are not stored: they are the hub's WebSockets and their attachments.
 */
export class HubStorage {
  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS live_tickets (nonce TEXT PRIMARY KEY, expires INTEGER NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS live_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  }

  /** Records a ticket's nonce; false when it was used already. Expired nonces are forgotten on the way. */
  useTicket(nonce: string, expires: number, now = Date.now()): boolean {
    this.sql.exec("DELETE FROM live_tickets WHERE expires < ?", now);
    const inserted = this.sql.exec("INSERT OR IGNORE INTO live_tickets (nonce, expires) VALUES (?, ?)", nonce, expires);
    return inserted.rowsWritten > 0;
  }

  published(): PublishedSet {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM live_meta WHERE key = 'published'").toArray()[0];
    return row === undefined ? NOTHING_PUBLISHED : { ...NOTHING_PUBLISHED, ...(JSON.parse(row.value) as Partial<PublishedSet>) };
  }

  savePublished(published: PublishedSet): void {
    this.sql.exec("INSERT OR REPLACE INTO live_meta (key, value) VALUES ('published', ?)", JSON.stringify(published));
  }
}
