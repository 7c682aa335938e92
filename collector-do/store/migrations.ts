import { HOUR_MS, utcHourStart } from "../../schemas/archive/partition";
import type { WireEvent } from "../../schemas/collector-rpc";
import { IMPORTANCE_LEVELS, type Importance } from "../../schemas/importance";
import { buildBufferRows, countsOnlyRow } from "../buffer-rows";
import { type FlushPlan, parseState, type Watermarks } from "../collector-state";
import { countReceived } from "../counters";
import { DEDUPE_WINDOW_MS } from "../dedupe-window";
import { BufferTable } from "./buffer-table";
import { MetaRows } from "./meta-rows";

/**
 * Versions of the collector's tables. Durable Object SQLite refuses `PRAGMA user_version`
 * (SQLITE_AUTH, measured in workerd), so the version is a `meta` row; storage from before it had
 * one is version 1 when its tables exist. Each step runs once, in the transaction that records the
 * new version, when a collector first starts on older storage.
 */
export const SCHEMA_VERSION = 3;

const DAY_MS = 24 * HOUR_MS;

const SLICE_COLUMNS = IMPORTANCE_LEVELS.map(
  (i) => `n${i} INTEGER NOT NULL DEFAULT 0, b${i} INTEGER NOT NULL DEFAULT 0, t${i} INTEGER, u${i} INTEGER, body${i} TEXT`,
).join(",\n    ");

/** Version 1: the buffer, key/value state, plans of flushes under way, ids of deleted rows. */
function createV1(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS buffer (
    seq INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    ids TEXT NOT NULL,
    tally TEXT NOT NULL,
    ${SLICE_COLUMNS}
  )`);
  sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  sql.exec(`CREATE TABLE IF NOT EXISTS pending_flush (
    key TEXT PRIMARY KEY,
    importance INTEGER NOT NULL,
    day TEXT NOT NULL,
    up_to_seq INTEGER NOT NULL
  )`);
  sql.exec("CREATE TABLE IF NOT EXISTS flushed_ids (at INTEGER NOT NULL, ids TEXT NOT NULL)");
}

/**
 * Version 2: archive objects span one UTC hour, and bookkeeping moves out of its own tables so a
 * flush writes fewer rows. Plans move into the state row (a version-1 plan keeps its keys and its
 * day, so a replay overwrites what it may have written); ids of deleted rows become rows without
 * events (rows now stay until their ids leave the deduplication window); the events of a buffered
 * row that span several hours move to rows of their own hour. Counters come out the same.
 */
function upgradeToV2(sql: SqlStorage, now: number): void {
  const meta = new MetaRows(sql);
  const buffer = new BufferTable(sql);
  const state = parseState(meta.read("state"));
  for (const row of buffer.talliesSince(state.countersSeq)) countReceived(state.counters, row.perImportance, row.tally);
  let nextSeq = Math.max(buffer.maxSeq(), state.countersSeq, ...IMPORTANCE_LEVELS.map((l) => state.watermarks[l])) + 1;

  for (const level of IMPORTANCE_LEVELS) {
    const rows = sql.exec("SELECT key, day, up_to_seq FROM pending_flush WHERE importance = ? ORDER BY day", level).toArray();
    if (rows.length === 0) continue;
    const upTo = Number(rows[0]!.up_to_seq);
    const after = state.watermarks[level];
    state.plans[level] = {
      upTo,
      objects: rows.map((r) => {
        const from = Date.parse(`${String(r.day)}T00:00:00Z`);
        return { key: String(r.key), after, through: upTo, from, to: from + DAY_MS };
      }),
    } satisfies FlushPlan;
  }

  const noRecycling = { watermarks: { 0: 0, 1: 0, 2: 0, 3: 0 } as Watermarks, expiredBy: -1 };
  for (const spanning of spanningSlices(sql, state.watermarks, state.plans)) {
    const events = (JSON.parse(`[${spanning.body}]`) as { timestamp?: unknown }[]).map(
      (event): WireEvent => ({
        id: "",
        importance: spanning.level,
        timestamp: typeof event.timestamp === "number" ? event.timestamp : spanning.receivedAt,
        type: "",
        kind: "log",
        namespace: null,
        asText: false,
        json: JSON.stringify(event),
      }),
    );
    // The original row keeps the ids and the counts; the moved events are counted already.
    const moved = buildBufferRows(events, spanning.receivedAt).map((row) => ({ ...row, ids: [], tally: { text: 0, namespaces: {} } }));
    buffer.write(moved, spanning.receivedAt, nextSeq, noRecycling);
    nextSeq += moved.length;
    const l = spanning.level;
    sql.exec(`UPDATE buffer SET n${l} = 0, b${l} = 0, t${l} = NULL, u${l} = NULL, body${l} = NULL WHERE seq = ?`, spanning.seq);
  }

  for (const row of sql.exec("SELECT at, ids FROM flushed_ids WHERE at >= ? ORDER BY at", now - DEDUPE_WINDOW_MS).toArray()) {
    const at = Number(row.at);
    buffer.write([{ ...countsOnlyRow(utcHourStart(at)), ids: String(row.ids).split(",") }], at, nextSeq++, noRecycling);
  }
  sql.exec("DROP TABLE pending_flush");
  sql.exec("DROP TABLE flushed_ids");
  state.countersSeq = nextSeq - 1;
  meta.write("state", JSON.stringify(state));
}

interface SpanningSlice {
  seq: number;
  level: Importance;
  receivedAt: number;
  body: string;
}

/** Unflushed slices, not under a recorded plan, whose events lie in more than one UTC hour. */
function spanningSlices(sql: SqlStorage, watermarks: Watermarks, plans: Partial<Record<Importance, FlushPlan>>): SpanningSlice[] {
  const found: SpanningSlice[] = [];
  for (const level of IMPORTANCE_LEVELS) {
    const after = Math.max(watermarks[level], plans[level]?.upTo ?? 0);
    for (const row of sql.exec(
      `SELECT seq, received_at, t${level} AS t, u${level} AS u, body${level} AS body FROM buffer WHERE seq > ? AND n${level} > 0`,
      after,
    )) {
      if (utcHourStart(Number(row.t)) === utcHourStart(Number(row.u))) continue;
      found.push({ seq: Number(row.seq), level, receivedAt: Number(row.received_at), body: String(row.body) });
    }
  }
  return found;
}

/** Version 3: objects still to send to Basin that no longer fit in the state row (BasinOutboxTable). */
function createBasinOutbox(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS basin_outbox (
    seq INTEGER PRIMARY KEY,
    objects TEXT NOT NULL,
    object_count INTEGER NOT NULL,
    events INTEGER NOT NULL
  )`);
}

const STEPS: ((sql: SqlStorage, now: number) => void)[] = [createV1, upgradeToV2, createBasinOutbox];

function currentVersion(sql: SqlStorage): number {
  const hasMeta = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray().length > 0;
  if (!hasMeta) return 0;
  const saved = new MetaRows(sql).read("schema_version");
  return saved === null ? 1 : Number(saved);
}

/** Brings the tables to SCHEMA_VERSION in one transaction; refuses storage written by newer code. */
export function migrate(storage: DurableObjectStorage, now: number): void {
  const sql = storage.sql;
  const version = currentVersion(sql);
  if (version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `collector storage is at schema version ${version}, newer than this code's ${SCHEMA_VERSION}: deploy the newer version`,
    );
  }
  storage.transactionSync(() => {
    for (let step = version; step < SCHEMA_VERSION; step++) STEPS[step]!(sql, now);
    new MetaRows(sql).write("schema_version", String(SCHEMA_VERSION));
  });
}
