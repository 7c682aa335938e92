import { DurableObject } from "cloudflare:workers";
import { loadConfig, type Config } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { IMPORTANCE_LEVELS, IMPORTANCE_NAMES, type Importance } from "../schemas/importance";
import type { IngestBatch, IngestResult } from "../schemas/ingest-batch";
import { buildBufferRows } from "./buffer-rows";
import { loadState, type CollectorState } from "./collector-state";
import { countReceived, countRows, presentCounters } from "./counters";
import { DEDUPE_MAX_IDS, DEDUPE_WINDOW_MS, DedupeWindow } from "./dedupe-window";
import { EventBuffer, type UnflushedTotals } from "./event-buffer";
import { Flusher, type FlushedObject } from "./flusher";
import { dueLevels, nextDueAt, retryDelayMs } from "./flush-schedule";
import { acceptWireEvents } from "./wire-validation";
import { FlushedIdsLog } from "./flushed-ids-log";

export interface FlushReport {
  objects: FlushedObject[];
  events: number;
  bytes: number;
  errors: string[];
}

/**
 * Buffers events durably per importance and flushes them to R2 (see Flusher). Everything it
 * acknowledges is in SQLite first; memory holds only totals, counters and the dedupe window,
 * all rebuilt from storage when the object starts.
 */
export class TailCollector extends DurableObject<Env> {
  private readonly config: Config;
  private readonly buffer: EventBuffer;
  private readonly flushedIds: FlushedIdsLog;
  private flusher!: Flusher;
  private readonly dedupe = new DedupeWindow(DEDUPE_WINDOW_MS, DEDUPE_MAX_IDS);
  private state!: CollectorState;
  private totals = {} as Record<Importance, UnflushedTotals>;
  private nextSeq = 1;
  private alarmAt: number | null = null;
  private consecutiveFailures = 0;
  /** Where flushes write. A field rather than env.ARCHIVE so fault-injection tests can wrap it. */
  archive: R2Bucket;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = loadConfig(env);
    this.archive = env.ARCHIVE;
    this.buffer = new EventBuffer(ctx.storage.sql);
    this.flushedIds = new FlushedIdsLog(ctx.storage.sql, DEDUPE_WINDOW_MS);
    void ctx.blockConcurrencyWhile(() => this.restore());
  }

  async ingest(batch: IngestBatch): Promise<IngestResult> {
    const now = Date.now();
    const { events, rejected } = acceptWireEvents(batch);
    const seen = new Set<string>();
    const fresh = events.filter((event) => !this.dedupe.has(event.id) && !seen.has(event.id) && seen.add(event.id));
    const duplicates = events.length - fresh.length;
    const counters = this.state.counters;
    counters.duplicates += duplicates;
    counters.rejected += rejected;
    counters.undelivered += typeof batch.undelivered === "number" && batch.undelivered > 0 ? batch.undelivered : 0;
    if (fresh.length > 0) {
      const rows = buildBufferRows(fresh, now);
      this.buffer.insert(rows, now, this.nextSeq);
      this.nextSeq += rows.length;
      this.dedupe.add([...seen], now);
      countRows(counters, rows);
      for (const row of rows) {
        for (const level of IMPORTANCE_LEVELS) {
          const slice = row.slices[level];
          if (slice.events === 0) continue;
          const totals = this.totals[level];
          totals.events += slice.events;
          totals.bytes += slice.bytes;
          totals.oldestReceivedAt ??= now;
        }
      }
      await this.scheduleAlarm();
    }
    return { accepted: fresh.length, duplicates };
  }

  /** Flushes every importance now (POST /flush). */
  async flush(): Promise<FlushReport> {
    const report: FlushReport = { objects: [], events: 0, bytes: 0, errors: [] };
    for (const level of IMPORTANCE_LEVELS) {
      try {
        report.objects.push(...(await this.flushLevel(level)));
      } catch (error) {
        report.errors.push(`${IMPORTANCE_NAMES[level]}: ${this.recordFailure(error)}`);
      }
    }
    for (const object of report.objects) {
      report.events += object.events;
      report.bytes += object.bytes;
    }
    await this.scheduleAlarm();
    return report;
  }

  async stats() {
    const buffered = Object.fromEntries(
      IMPORTANCE_LEVELS.map((level) => {
        const t = this.totals[level];
        const threshold = this.config.thresholds[level];
        return [
          IMPORTANCE_NAMES[level],
          {
            importance: level,
            rows: t.events,
            bytes: t.bytes,
            maxRows: threshold.rows,
            maxBytes: threshold.bytes,
            oldestReceivedAt: t.oldestReceivedAt === null ? null : new Date(t.oldestReceivedAt).toISOString(),
          },
        ];
      }),
    );
    return {
      buffered,
      counters: presentCounters(this.state.counters),
      nextFlushAt: this.alarmAt === null ? null : new Date(this.alarmAt).toISOString(),
      dedupeWindowIds: this.dedupe.size,
    };
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const intervalMs = this.config.flushIntervalSeconds * 1000;
    const due = new Set(dueLevels(this.totals, this.config.thresholds, intervalMs, Date.now()));
    for (const level of IMPORTANCE_LEVELS) if (this.flusher.hasPendingPlan(level)) due.add(level);
    let failed = false;
    for (const level of [...due].sort()) {
      try {
        await this.flushLevel(level);
      } catch (error) {
        failed = true;
        this.recordFailure(error);
      }
    }
    if (failed) {
      this.consecutiveFailures++;
      await this.setAlarmAt(Date.now() + retryDelayMs(this.consecutiveFailures));
    } else {
      this.consecutiveFailures = 0;
      await this.scheduleAlarm();
    }
  }

  private async flushLevel(level: Importance): Promise<FlushedObject[]> {
    const written = await this.flusher.flush(level);
    this.totals[level] = this.buffer.totals(level, this.state.watermarks[level]);
    return written;
  }

  private recordFailure(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    this.state.counters.flushFailures++;
    this.state.counters.lastError = { at: Date.now(), message };
    console.error(`TailCollector flush failed: ${message}`);
    return message;
  }

  /** Moves the alarm earlier when a buffer became due sooner; never later (that costs a write). */
  private async scheduleAlarm(): Promise<void> {
    const due = nextDueAt(this.totals, this.config.thresholds, this.config.flushIntervalSeconds * 1000);
    if (due === null || (this.alarmAt !== null && this.alarmAt <= due)) return;
    await this.setAlarmAt(due);
  }

  private async setAlarmAt(at: number): Promise<void> {
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  private async restore(): Promise<void> {
    const sql = this.ctx.storage.sql;
    this.state = loadState(sql);
    this.flusher = new Flusher({
      storage: this.ctx.storage,
      buffer: this.buffer,
      bucket: () => this.archive,
      state: this.state,
      lastSeq: () => this.nextSeq - 1,
      onRowsDeleted: (ids, now) => this.flushedIds.append(ids, now),
    });
    const { watermarks } = this.state;
    this.nextSeq = Math.max(this.buffer.maxSeq(), ...IMPORTANCE_LEVELS.map((l) => watermarks[l]), this.state.countersSeq) + 1;
    const since = this.buffer.tallySince(this.state.countersSeq);
    countReceived(this.state.counters, since.perImportance, since.tally);
    for (const level of IMPORTANCE_LEVELS) this.totals[level] = this.buffer.totals(level, watermarks[level]);
    const now = Date.now();
    this.dedupe.add([...this.flushedIds.recent(now), ...this.buffer.allIds()], now);
    this.alarmAt = await this.ctx.storage.getAlarm();
    const pending = IMPORTANCE_LEVELS.some((level) => this.flusher.hasPendingPlan(level));
    if (pending && this.alarmAt === null) await this.setAlarmAt(now);
    else await this.scheduleAlarm();
  }
}
