import type { ShedCounts, WireEvent } from "../schemas/collector-rpc";
import { Importance } from "../schemas/importance";
import { addShedCounts } from "./overflow";

/** Shedding not yet reported in an archived event. */
export interface UnreportedShed {
  counts: ShedCounts;
  firstAt: number;
  lastAt: number;
}

export const SHED_REPORT_TYPE = "do_tail.events_shed";

/** Adds shedding that happened at `at` to what the next report will tell. */
export function noteShed(unreported: UnreportedShed | null, counts: ShedCounts | undefined, at: number): UnreportedShed | null {
  if (counts === undefined || Object.keys(counts).length === 0) return unreported;
  const into = unreported ?? { counts: {}, firstAt: at, lastAt: at };
  addShedCounts(into.counts, counts);
  into.lastAt = Math.max(into.lastAt, at);
  return into;
}

/**
 * The HIGH event that tells, once flushing works again, what overflow shed while it did not:
 * counts by reason and importance, and when shedding started and last happened.
 */
export function shedReportEvent(shed: UnreportedShed, now: number): WireEvent {
  const id = `do-tail-shed-${now.toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
  const total = Object.values(shed.counts).reduce((sum, byLevel) => sum + Object.values(byLevel ?? {}).reduce((a, b) => a + b, 0), 0);
  const envelope = {
    id,
    invocationId: id,
    type: SHED_REPORT_TYPE,
    kind: "log",
    importance: Importance.HIGH,
    timestamp: now,
    script: "do-tail",
    namespace: null,
    level: "warn",
    data: {
      _event: SHED_REPORT_TYPE,
      shedEvents: total,
      byReason: shed.counts,
      firstShedAt: new Date(shed.firstAt).toISOString(),
      lastShedAt: new Date(shed.lastAt).toISOString(),
    },
  };
  return {
    id,
    importance: Importance.HIGH,
    timestamp: now,
    type: SHED_REPORT_TYPE,
    kind: "log",
    namespace: null,
    asText: false,
    json: JSON.stringify(envelope),
  };
}
