import type { ShedCounts, ShedReason, WireEvent } from "../schemas/collector-rpc";
import { IMPORTANCE_NAMES, type Importance } from "../schemas/importance";
import type { UnflushedTotals } from "./store/buffer-table";

export interface CapDecision {
  kept: WireEvent[];
  /** Incoming LOW/NORMAL events that did not fit under their importance's cap. */
  shed: Record<Importance, number>;
  /** Bytes of CRITICAL/HIGH stored past their cap: buffered LOW, then NORMAL, must make room. */
  roomNeeded: number;
}

/**
 * Applies the per-importance buffer caps to an incoming batch. Sizes are JSON lengths, close
 * enough to bytes for caps measured in GiB.
 */
export function applyBufferCaps(
  events: readonly WireEvent[],
  totals: Record<Importance, UnflushedTotals>,
  caps: Record<Importance, number>,
): CapDecision {
  const added: Record<Importance, number> = { 0: 0, 1: 0, 2: 0, 3: 0 };
  const decision: CapDecision = { kept: [], shed: { 0: 0, 1: 0, 2: 0, 3: 0 }, roomNeeded: 0 };
  for (const event of events) {
    const level = event.importance;
    const size = event.json.length;
    const over = totals[level].bytes + added[level] + size > caps[level];
    if (over && level >= 2) {
      decision.shed[level]++;
      continue;
    }
    if (over) decision.roomNeeded += size;
    added[level] += size;
    decision.kept.push(event);
  }
  return decision;
}

/** Adds counts of one ShedCounts to another. */
export function addShedCounts(into: ShedCounts, from: ShedCounts | undefined): void {
  for (const [reason, byLevel] of Object.entries(from ?? {}) as [ShedReason, Record<string, number>][]) {
    const target = (into[reason] ??= {});
    for (const [name, count] of Object.entries(byLevel)) target[name] = (target[name] ?? 0) + count;
  }
}

/** Adds shed counts under a reason, keyed by importance name as /stats shows them. */
export function addShed(into: ShedCounts, reason: ShedReason, level: Importance, count: number): void {
  if (count <= 0) return;
  const byLevel = (into[reason] ??= {});
  const name = IMPORTANCE_NAMES[level];
  byLevel[name] = (byLevel[name] ?? 0) + count;
}
