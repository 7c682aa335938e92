import type { BufferThreshold } from "../schemas/config/thresholds";
import { IMPORTANCE_LEVELS, type Importance } from "../schemas/importance";
import { type BackoffPolicy, backoffDelayMs } from "../schemas/lib/retry";
import type { UnflushedTotals } from "./event-buffer";

/** An importance is due when it crossed a threshold or its oldest event waited the flush interval. */
export function dueLevels(
  totals: Record<Importance, UnflushedTotals>,
  thresholds: Record<Importance, BufferThreshold>,
  intervalMs: number,
  now: number,
): Importance[] {
  return IMPORTANCE_LEVELS.filter((level) => {
    const at = dueAt(totals[level], thresholds[level], intervalMs);
    return at !== null && at <= now;
  });
}

/** When the alarm should next fire, or null when nothing is buffered. */
export function nextDueAt(
  totals: Record<Importance, UnflushedTotals>,
  thresholds: Record<Importance, BufferThreshold>,
  intervalMs: number,
): number | null {
  let next: number | null = null;
  for (const level of IMPORTANCE_LEVELS) {
    const at = dueAt(totals[level], thresholds[level], intervalMs);
    if (at !== null && (next === null || at < next)) next = at;
  }
  return next;
}

function dueAt(totals: UnflushedTotals, threshold: BufferThreshold, intervalMs: number): number | null {
  if (totals.events === 0 || totals.oldestReceivedAt === null) return null;
  // Crossed a threshold: due since its oldest event arrived. Not 0: setAlarm() rejects times <= 0,
  // and any time in the past makes the alarm fire at once.
  if (totals.events >= threshold.rows || totals.bytes >= threshold.bytes) return totals.oldestReceivedAt;
  return totals.oldestReceivedAt + intervalMs;
}

/**
 * Backoff after failed flushes: jittered up to 2 s, 4 s, 8 s … capped at 5 minutes, never under
 * 1 s so an outage does not spin the alarm; alarms keep retrying.
 */
export const FLUSH_BACKOFF: BackoffPolicy = { baseDelayMs: 2_000, maxDelayMs: 300_000, minDelayMs: 1_000 };

export function retryDelayMs(consecutiveFailures: number): number {
  return backoffDelayMs(consecutiveFailures, FLUSH_BACKOFF);
}
