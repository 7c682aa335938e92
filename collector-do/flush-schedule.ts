import type { BufferThreshold } from "../schemas/config/thresholds";
import { IMPORTANCE_LEVELS, type Importance } from "../schemas/importance";
import { type BackoffPolicy, backoffDelayMs } from "../schemas/lib/retry";
import type { UnflushedTotals } from "./store/buffer-table";
import type { CollectorStore, FlushBackoff } from "./store/collector-store";

/**
 * Backoff after failed flushes: jittered up to 2 s, 4 s, 8 s … capped at 5 minutes, never under
 * 1 s so an outage does not spin the alarm; alarms keep retrying.
 */
export const FLUSH_BACKOFF: BackoffPolicy = { baseDelayMs: 2_000, maxDelayMs: 300_000, minDelayMs: 1_000 };

export interface ScheduleSettings {
  thresholds: Record<Importance, BufferThreshold>;
  intervalMs: number;
}

/**
 * When the collector flushes: owns the alarm, which importances are due, and the backoff after
 * failed flushes (persisted, so a restart during an R2 outage does not retry at once). The alarm
 * is only ever moved earlier by traffic (a later alarm would cost a row write for nothing) and
 * never into a backoff.
 */
export class FlushScheduler {
  private alarmAt: number | null = null;
  private backoff: FlushBackoff;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly store: CollectorStore,
    private readonly settings: () => ScheduleSettings,
  ) {
    this.backoff = store.loadBackoff();
  }

  /** Reads the alarm after a restart; a flush left half done is retried at once (or when its backoff ends). */
  async restore(totals: Record<Importance, UnflushedTotals>, flushPending: boolean): Promise<void> {
    this.alarmAt = await this.storage.getAlarm();
    if (flushPending && this.alarmAt === null) await this.setAlarm(Math.max(Date.now(), this.backoff.notBefore));
    else await this.schedule(totals);
  }

  get nextFlushAt(): number | null {
    return this.alarmAt;
  }

  /** Called when the alarm fires: the runtime has cleared it. */
  alarmFired(): void {
    this.alarmAt = null;
  }

  /** An importance is due when it crossed a threshold or its oldest event waited the flush interval. */
  dueLevels(totals: Record<Importance, UnflushedTotals>, now: number): Importance[] {
    const { thresholds, intervalMs } = this.settings();
    return IMPORTANCE_LEVELS.filter((level) => {
      const at = dueAt(totals[level], thresholds[level], intervalMs);
      return at !== null && at <= now;
    });
  }

  /** Moves the alarm earlier when a buffer became due sooner; never later, never before the backoff ends. */
  async schedule(totals: Record<Importance, UnflushedTotals>): Promise<void> {
    const due = this.nextDueAt(totals);
    if (due === null) return;
    const at = Math.max(due, this.backoff.notBefore);
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    await this.setAlarm(at);
  }

  /** Wakes the collector at `at` (for housekeeping) unless an alarm comes sooner. */
  async wakeBy(at: number): Promise<void> {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    await this.setAlarm(at);
  }

  /**
   * After a flush, by alarm or by POST /flush: a failure extends the persisted backoff and puts the
   * alarm at its end; a success after failures clears it. One row written, only when it changes.
   */
  async flushed(ok: boolean, totals: Record<Importance, UnflushedTotals>): Promise<void> {
    if (ok) {
      if (this.backoff.failures === 0) return;
      this.backoff = { failures: 0, notBefore: 0 };
      this.store.saveBackoff(this.backoff);
      return;
    }
    const failures = this.backoff.failures + 1;
    this.backoff = { failures, notBefore: Date.now() + backoffDelayMs(failures, FLUSH_BACKOFF) };
    this.store.saveBackoff(this.backoff);
    await this.setAlarm(Math.max(this.nextDueAt(totals) ?? 0, this.backoff.notBefore));
  }

  private nextDueAt(totals: Record<Importance, UnflushedTotals>): number | null {
    const { thresholds, intervalMs } = this.settings();
    let next: number | null = null;
    for (const level of IMPORTANCE_LEVELS) {
      const at = dueAt(totals[level], thresholds[level], intervalMs);
      if (at !== null && (next === null || at < next)) next = at;
    }
    return next;
  }

  private async setAlarm(at: number): Promise<void> {
    this.alarmAt = at;
    await this.storage.setAlarm(at);
  }
}

function dueAt(totals: UnflushedTotals, threshold: BufferThreshold, intervalMs: number): number | null {
  if (totals.events === 0 || totals.oldestReceivedAt === null) return null;
  // Crossed a threshold: due since its oldest event arrived. Not 0: setAlarm() rejects times <= 0,
  // and any time in the past makes the alarm fire at once.
  if (totals.events >= threshold.events || totals.bytes >= threshold.bytes) return totals.oldestReceivedAt;
  return totals.oldestReceivedAt + intervalMs;
}
