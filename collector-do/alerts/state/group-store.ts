import type { AlertGroupState, AlertTransitionView } from "../../../schemas/alert-rpc";
import type { AlertGroup } from "./alert-group";
import type { Bucket } from "./windows";

/** Transitions kept for GET /alerts; older ones are deleted in batches. */
export const KEPT_TRANSITIONS = 100;

/**
 * The AlertState object's tables: one row per group (window buckets, state, samples), the log of
 * transitions, and a few settings-like values. A commit writes each group it touched once,
 * whatever the number of reports it applies.
 */
export class GroupStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS alert_groups (
      rule TEXT NOT NULL, key TEXT NOT NULL, vals TEXT NOT NULL, state TEXT NOT NULL, since INTEGER NOT NULL,
      buckets TEXT NOT NULL, last_seen INTEGER, last_notified INTEGER, samples TEXT NOT NULL DEFAULT '[]',
      PRIMARY KEY (rule, key))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS alert_transitions (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, rule TEXT NOT NULL, vals TEXT NOT NULL,
      from_state TEXT NOT NULL, to_state TEXT NOT NULL, count REAL NOT NULL, rate REAL)`);
    sql.exec("CREATE TABLE IF NOT EXISTS alert_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  }

  /** Every group stored. */
  load(): AlertGroup[] {
    return this.sql
      .exec("SELECT rule, key, vals, state, since, buckets, last_seen, last_notified FROM alert_groups")
      .toArray()
      .map((row) => ({
        rule: String(row.rule),
        key: String(row.key),
        values: JSON.parse(String(row.vals)) as unknown[],
        state: String(row.state) as AlertGroupState,
        since: Number(row.since),
        buckets: JSON.parse(String(row.buckets)) as Bucket[],
        lastSeenAt: row.last_seen === null ? null : Number(row.last_seen),
        lastNotifiedAt: row.last_notified === null ? null : Number(row.last_notified),
      }));
  }

  deleteRule(rule: string): void {
    this.sql.exec("DELETE FROM alert_groups WHERE rule = ?", rule);
  }

  /** Writes the group; `samples` replaces its samples when given. */
  save(group: AlertGroup, samples?: readonly string[]): void {
    this.sql.exec(
      `INSERT INTO alert_groups (rule, key, vals, state, since, buckets, last_seen, last_notified, samples)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (rule, key) DO UPDATE SET state = excluded.state, since = excluded.since, buckets = excluded.buckets,
         last_seen = excluded.last_seen, last_notified = excluded.last_notified,
         samples = CASE WHEN ?10 IS NULL THEN alert_groups.samples ELSE excluded.samples END`,
      group.rule,
      group.key,
      JSON.stringify(group.values),
      group.state,
      group.since,
      JSON.stringify(group.buckets),
      group.lastSeenAt,
      group.lastNotifiedAt,
      JSON.stringify(samples ?? []),
      samples === undefined ? null : 1,
    );
  }

  delete(group: AlertGroup): void {
    this.sql.exec("DELETE FROM alert_groups WHERE rule = ? AND key = ?", group.rule, group.key);
  }

  samples(group: AlertGroup): string[] {
    const row = this.sql.exec("SELECT samples FROM alert_groups WHERE rule = ? AND key = ?", group.rule, group.key).toArray()[0];
    return row === undefined ? [] : (JSON.parse(String(row.samples)) as string[]);
  }

  addTransition(
    at: number,
    rule: string,
    group: Record<string, unknown>,
    from: AlertGroupState,
    to: AlertGroupState,
    count: number,
    rate?: number,
  ): void {
    this.sql.exec(
      "INSERT INTO alert_transitions (at, rule, vals, from_state, to_state, count, rate) VALUES (?, ?, ?, ?, ?, ?, ?)",
      at,
      rule,
      JSON.stringify(group),
      from,
      to,
      count,
      rate ?? null,
    );
    // Trimmed a batch at a time: every deleted row is a row written.
    const { last } = this.sql.exec<{ last: number }>("SELECT max(seq) AS last FROM alert_transitions").one();
    if (last % KEPT_TRANSITIONS === 0) this.sql.exec("DELETE FROM alert_transitions WHERE seq <= ?", last - KEPT_TRANSITIONS);
  }

  transitions(limit: number): AlertTransitionView[] {
    return this.sql
      .exec("SELECT at, rule, vals, from_state, to_state, count, rate FROM alert_transitions ORDER BY seq DESC LIMIT ?", limit)
      .toArray()
      .map((row) => ({
        at: new Date(Number(row.at)).toISOString(),
        rule: String(row.rule),
        group: JSON.parse(String(row.vals)) as Record<string, unknown>,
        from: String(row.from_state) as AlertGroupState,
        to: String(row.to_state) as AlertGroupState,
        count: Number(row.count),
        ...(row.rate === null ? {} : { rate: Number(row.rate) }),
      }));
  }

  meta<T>(key: string): T | undefined {
    const row = this.sql.exec("SELECT value FROM alert_meta WHERE key = ?", key).toArray()[0];
    return row === undefined ? undefined : (JSON.parse(String(row.value)) as T);
  }

  setMeta(key: string, value: unknown): void {
    this.sql.exec(
      "INSERT INTO alert_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      JSON.stringify(value),
    );
  }
}
