import type { Counters } from "./counters";
import { emptyCounters } from "./counters";
import type { Watermarks } from "./event-buffer";
import type { UnreportedShed } from "./shed-report";

/**
 * What the collector persists besides its buffer, in one meta row so that a flush commit costs one
 * row write: per-importance flush watermarks, and the counters as of buffer seq `countersSeq`.
 */
export interface CollectorState {
  watermarks: Watermarks;
  countersSeq: number;
  counters: Counters;
  unreportedShed: UnreportedShed | null;
}

export function loadState(sql: SqlStorage): CollectorState {
  const row = sql.exec("SELECT value FROM meta WHERE key = 'state'").toArray()[0];
  if (!row) return { watermarks: { 0: 0, 1: 0, 2: 0, 3: 0 }, countersSeq: 0, counters: emptyCounters(), unreportedShed: null };
  const saved = JSON.parse(String(row.value)) as CollectorState;
  return { ...saved, counters: { ...emptyCounters(), ...saved.counters }, unreportedShed: saved.unreportedShed ?? null };
}

/** Persists the state; `lastSeq` is the newest buffer row the in-memory counters already include. */
export function saveState(sql: SqlStorage, state: CollectorState, lastSeq: number): void {
  state.countersSeq = lastSeq;
  sql.exec(
    "INSERT INTO meta (key, value) VALUES ('state', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    JSON.stringify(state),
  );
}
