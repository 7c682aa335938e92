import { IMPORTANCE_LEVELS } from "../schemas/importance";

/**
 * One `buffer` row holds what one ingest call brought for one UTC day, every importance side by
 * side (n = events, b = UTF-8 bytes, t/u = first/last event time, body = comma-joined event
 * JSON). One row per call rather than per event is what keeps SQLite row writes near the floor:
 * one insert and, once every importance in it is flushed, one delete.
 */
const importanceColumns = IMPORTANCE_LEVELS.map(
  (i) => `n${i} INTEGER NOT NULL DEFAULT 0, b${i} INTEGER NOT NULL DEFAULT 0, t${i} INTEGER, u${i} INTEGER, body${i} TEXT`,
).join(",\n    ");

export const SCHEMA_STATEMENTS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS buffer (
    seq INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    ids TEXT NOT NULL,
    tally TEXT NOT NULL,
    ${importanceColumns}
  )`,
  // Small key/value state: flush watermarks per importance, persisted counters.
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  // A flush in progress: written before the R2 object so a retry reuses the same key.
  `CREATE TABLE IF NOT EXISTS pending_flush (
    key TEXT PRIMARY KEY,
    importance INTEGER NOT NULL,
    day TEXT NOT NULL,
    up_to_seq INTEGER NOT NULL
  )`,
  // Ids of events whose rows are already deleted, kept for the deduplication window.
  `CREATE TABLE IF NOT EXISTS flushed_ids (at INTEGER NOT NULL, ids TEXT NOT NULL)`,
];
