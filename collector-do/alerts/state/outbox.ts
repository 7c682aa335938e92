/** One notification to one destination, waiting for delivery. */
export interface OutboxRow {
  id: number;
  notificationId: string;
  rule: string;
  destination: string;
  body: string;
  attempts: number;
}

/** Failed notifications kept for GET /alerts; older ones are deleted. */
const KEPT_FAILED = 50;

/**
 * The durable outbox: a notification is written here, in the same transaction as the transition
 * that made it, before anything is sent; it leaves only once a destination accepted it (or was
 * given up on, and then stays visible as failed). Delivery is at-least-once: an object evicted
 * after a POST succeeded but before its row was deleted sends it again, with the same id.
 */
export class Outbox {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS alert_outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT, notification_id TEXT NOT NULL, rule TEXT NOT NULL, destination TEXT NOT NULL,
      body TEXT NOT NULL, created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending', last_error TEXT)`);
    sql.exec("CREATE INDEX IF NOT EXISTS alert_outbox_due ON alert_outbox (status, next_at)");
  }

  add(notificationId: string, rule: string, destination: string, body: string, now: number): void {
    this.sql.exec(
      "INSERT INTO alert_outbox (notification_id, rule, destination, body, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?)",
      notificationId,
      rule,
      destination,
      body,
      now,
      now,
    );
  }

  due(now: number, limit: number): OutboxRow[] {
    return this.sql
      .exec(
        "SELECT id, notification_id, rule, destination, body, attempts FROM alert_outbox WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?",
        now,
        limit,
      )
      .toArray()
      .map((row) => ({
        id: Number(row.id),
        notificationId: String(row.notification_id),
        rule: String(row.rule),
        destination: String(row.destination),
        body: String(row.body),
        attempts: Number(row.attempts),
      }));
  }

  nextAt(): number | null {
    const { at } = this.sql.exec<{ at: number | null }>("SELECT min(next_at) AS at FROM alert_outbox WHERE status = 'pending'").one();
    return at;
  }

  delivered(id: number): void {
    this.sql.exec("DELETE FROM alert_outbox WHERE id = ?", id);
  }

  retryAt(id: number, attempts: number, nextAt: number, error: string): void {
    this.sql.exec("UPDATE alert_outbox SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?", attempts, nextAt, error, id);
  }

  failed(id: number, attempts: number, error: string): void {
    this.sql.exec("UPDATE alert_outbox SET attempts = ?, status = 'failed', last_error = ? WHERE id = ?", attempts, error, id);
    this.sql.exec(
      "DELETE FROM alert_outbox WHERE status = 'failed' AND id NOT IN (SELECT id FROM alert_outbox WHERE status = 'failed' ORDER BY id DESC LIMIT ?)",
      KEPT_FAILED,
    );
  }

  summary(): { pending: number; failed: number; nextAttemptAt: string | null; lastError: string | null } {
    const row = this.sql
      .exec<{ pending: number; failed: number; next_at: number | null }>(
        "SELECT sum(status = 'pending') AS pending, sum(status = 'failed') AS failed, min(CASE WHEN status = 'pending' THEN next_at END) AS next_at FROM alert_outbox",
      )
      .one();
    const last = this.sql.exec("SELECT last_error FROM alert_outbox WHERE last_error IS NOT NULL ORDER BY id DESC LIMIT 1").toArray()[0];
    return {
      pending: Number(row.pending ?? 0),
      failed: Number(row.failed ?? 0),
      nextAttemptAt: row.next_at === null ? null : new Date(row.next_at).toISOString(),
      lastError: last === undefined ? null : String(last.last_error),
    };
  }
}
