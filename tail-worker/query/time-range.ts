import { MAX_DATE_MS } from "../../schemas/archive/partition";
import { UNIT_MS } from "../../schemas/lib/duration";

/**
 * The time range of a query. `from` and `to` are each an ISO string, epoch milliseconds, `now`, or
 * a time relative to now such as `-15m`, `-1h`, `-7d` (units ms, s, m, h, d, w).
 */
export interface TimeRange {
  /** Inclusive, epoch ms. */
  from: number;
  /** Inclusive, epoch ms. */
  to: number;
}

export type TimeInput = string | number;

const RELATIVE = /^-\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;

/** Epoch ms of a time input, or an error message saying what is accepted. */
export function resolveTime(input: TimeInput, now: number): number | { error: string } {
  const ms = resolveTimeUnchecked(input, now);
  if (typeof ms === "number" && !(Math.abs(ms) <= MAX_DATE_MS)) return { error: `"${input}" is outside the range of dates` };
  return ms;
}

function resolveTimeUnchecked(input: TimeInput, now: number): number | { error: string } {
  if (typeof input === "number") {
    return Number.isFinite(input) ? input : { error: "must be a finite number of epoch milliseconds" };
  }
  const text = input.trim();
  if (text === "now") return now;
  const relative = RELATIVE.exec(text);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2]!]!;
  if (/^\d+$/.test(text)) return Number(text);
  // Date-only or date-time ISO strings; Date.parse also accepts looser forms, which are refused.
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return ms;
  }
  return { error: `"${input}" is not a time: give an ISO string, epoch milliseconds, "now" or a relative time like "-15m", "-1h", "-7d"` };
}
