import { DurableObject } from "cloudflare:workers";
import { collectorTag } from "../schemas/archive/key";
import type {
  BufferedEvents,
  CollectorRpc,
  CollectorStats,
  FlushedObject,
  FlushReport,
  IngestBatch,
  IngestResult,
  ShedReason,
  WireEvent,
} from "../schemas/collector-rpc";
import { type Config, loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { IMPORTANCE_LEVELS, IMPORTANCE_NAMES, Importance } from "../schemas/importance";
import { errorMessage } from "../schemas/lib/error-message";
import type { LiveCollectorRpc, LiveStreamSet } from "../schemas/live/streams";
import { buildBufferRows, type RowTally } from "./buffer-rows";
import { type CollectorState, loadState, saveState } from "./collector-state";
import { describeCollector } from "./collector-stats";
import { countReceived, countRows } from "./counters";
import { DEDUPE_MAX_IDS, DEDUPE_WINDOW_MS, DedupeWindow } from "./dedupe-window";
import { EventBuffer, type UnflushedTotals } from "./event-buffer";
import { dueLevels, nextDueAt, retryDelayMs } from "./flush-schedule";
import { FlushedIdsLog } from "./flushed-ids-log";
import { Flusher } from "./flusher";
import { Forwarder } from "./forward/forwarder";
import { liveTapOf } from "./live/live-tap";
import { addShed, applyBufferCaps } from "./overflow";
import { shedReportEvent } from "./shed-report";
import { acceptReport, acceptWireEvents } from "./wire-validation";

/**
 * Buffers events durably per importance and flushes them to R2 (see Flusher). Everything it
 * acknowledges is in SQLite first; memory holds only totals, counters and the dedupe window,
 * all rebuilt from storage when the object starts.
 */
export class TailCollector extends DurableObject<Env> implements CollectorRpc, LiveCollectorRpc {
  private readonly config: Config;
  private readonly buffer: EventBuffer;
  private readonly flushedIds: FlushedIdsLog;
  private readonly dedupe = new DedupeWindow(DEDUPE_WINDOW_MS, DEDUPE_MAX_IDS);
  private flusher!: Flusher;
  private state!: CollectorState;
  private readonly totals = {} as Record<Importance, UnflushedTotals>;
  private nextSeq = 1;
  private alarmAt: number | null = null;
  private consecutiveFailures = 0;
  /** After a failed flush, no alarm before this time (backoff); 0 when the last flush worked. */
  private retryNotBefore = 0;
  /** Where flushes write. A field rather than env.ARCHIVE so fault-injection tests can wrap it. */
  archive: R2Bucket;
  /** Where data points go once a batch is stored. A field so tests can observe the sinks. */
  forwarder: Forwarder;
  /** LIVE (issue 15): stored events to the open GET /live streams. A field so tests can observe it. */
  readonly live = liveTapOf(this.ctx, this.env);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = loadConfig(env);
    this.archive = env.ARCHIVE;
    this.forwarder = Forwarder.fromEnv(env, this.config);
    this.buffer = new EventBuffer(ctx.storage.sql);
    this.flushedIds = new FlushedIdsLog(ctx.storage.sql, DEDUPE_WINDOW_MS);
    void ctx.blockConcurrencyWhile(() => this.restore());
  }

  /** Stores a batch durably (the answer is held until SQLite has it) and schedules its flush. */
  async ingest(batch: IngestBatch): Promise<IngestResult> {
    const now = Date.now();
    const { events, rejected } = acceptWireEvents(batch);
    const seen = new Set<string>();
    const fresh = events.filter((event) => !this.dedupe.has(event.id) && !seen.has(event.id) && seen.add(event.id));
    const counters = this.state.counters;
    counters.duplicates += events.length - fresh.length;
    counters.rejected += rejected;

    const caps = applyBufferCaps(fresh, this.totals, this.config.bufferCaps);
    let shed = 0;
    for (const level of IMPORTANCE_LEVELS) shed += this.recordShed("over_buffer_cap", level, caps.shed[level], now);
    if (caps.roomNeeded > 0) shed += this.makeRoom(caps.roomNeeded, now);
    this.store(caps.kept, now, acceptReport(batch));
    this.live.stored(caps.kept); // LIVE-HOOK (issue 15): stored events to open live streams; returns at once when none is open
    // After storing, and not awaited: analytics never delays or fails the acknowledgement. Shed
    // events are forwarded too: Analytics Engine does not depend on R2, so its counts stay whole.
    const forwarding = this.forwarder.forward(fresh, counters.analytics);
    if (forwarding) this.ctx.waitUntil(forwarding);
    // Shed events are acknowledged too: remember their ids so a retry does not count them twice.
    this.dedupe.add([...seen], now);
    if (shed > 0) saveState(this.ctx.storage.sql, this.state, this.nextSeq - 1);
    await this.scheduleAlarm();
    return { accepted: caps.kept.length, duplicates: events.length - fresh.length, shed };
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

  async stats(): Promise<CollectorStats> {
    return describeCollector({
      totals: this.totals,
      config: this.config,
      counters: this.state.counters,
      alarmAt: this.alarmAt,
      dedupeWindowIds: this.dedupe.size,
    });
  }

  /** Events not yet flushed, as JSON array text, at most `maxBytes` of them (queries read these). */
  async bufferedEvents(maxBytes: number): Promise<BufferedEvents> {
    return this.buffer.unflushed(this.state.watermarks, maxBytes);
  }

  /** LIVE (issue 15): the live hub's set of open streams, pushed when it changes. */
  async setLiveStreams(set: LiveStreamSet): Promise<{ version: number }> {
    return this.live.setStreams(set);
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const due = new Set(dueLevels(this.totals, this.config.thresholds, this.config.flushIntervalSeconds * 1000, Date.now()));
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
      this.retryNotBefore = Date.now() + retryDelayMs(this.consecutiveFailures);
    } else {
      this.consecutiveFailures = 0;
      this.retryNotBefore = 0;
    }
    await this.scheduleAlarm();
  }

  /**
   * Buffers events. The tail worker's report rides in the first row's tally, so that it survives a
   * restart like the rest of the counters; with no row to carry it, it goes to memory only.
   */
  private store(events: readonly WireEvent[], now: number, report: Pick<RowTally, "sampledOut" | "undelivered"> = {}): void {
    const rows = buildBufferRows(events, now);
    if (rows[0]) Object.assign(rows[0].tally, report);
    else countReceived(this.state.counters, { 0: 0, 1: 0, 2: 0, 3: 0 }, { text: 0, namespaces: {}, ...report });
    if (rows.length === 0) return;
    this.buffer.insert(rows, now, this.nextSeq);
    this.nextSeq += rows.length;
    countRows(this.state.counters, rows);
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
  }

  /** Sheds buffered LOW, then NORMAL, events (never those a running flush covers) to fit CRITICAL/HIGH. */
  private makeRoom(bytes: number, now: number): number {
    let remaining = bytes;
    let shed = 0;
    for (const level of [Importance.LOW, Importance.NORMAL]) {
      if (remaining <= 0) break;
      const after = Math.max(this.state.watermarks[level], this.flusher.pendingUpTo(level) ?? 0);
      const freed = this.buffer.shedOldest(level, remaining, after);
      remaining -= freed.bytes;
      shed += this.recordShed("room_for_critical_high", level, freed.events, now);
      this.totals[level] = this.buffer.totals(level, this.state.watermarks[level]);
    }
    return shed;
  }

  private recordShed(reason: ShedReason, level: Importance, count: number, now: number): number {
    if (count <= 0) return 0;
    addShed(this.state.counters.shed, reason, level, count);
    const unreported = (this.state.unreportedShed ??= { counts: {}, firstAt: now, lastAt: now });
    addShed(unreported.counts, reason, level, count);
    unreported.lastAt = now;
    return count;
  }

  private async flushLevel(level: Importance): Promise<FlushedObject[]> {
    const written = await this.flusher.flush(level);
    this.totals[level] = this.buffer.totals(level, this.state.watermarks[level]);
    // Only a flush that reached R2 shows that flushing works again.
    if (written.length > 0) this.reportShed();
    return written;
  }

  /** Flushing works again: archive one HIGH event saying what overflow shed meanwhile. */
  private reportShed(): void {
    const shed = this.state.unreportedShed;
    if (shed === null) return;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.store([shedReportEvent(shed, now)], now);
      this.state.unreportedShed = null;
      saveState(this.ctx.storage.sql, this.state, this.nextSeq - 1);
    });
  }

  private recordFailure(error: unknown): string {
    const message = errorMessage(error);
    this.state.counters.flushFailures++;
    this.state.counters.lastError = { at: Date.now(), message };
    console.error(`TailCollector flush failed: ${message}`);
    return message;
  }

  /**
   * Moves the alarm earlier when a buffer became due sooner; never later (that costs a write), and
   * never before the backoff of a failed flush: otherwise every ingest during an R2 outage would
   * pull the retry back to now.
   */
  private async scheduleAlarm(): Promise<void> {
    const due = nextDueAt(this.totals, this.config.thresholds, this.config.flushIntervalSeconds * 1000);
    if (due === null) return;
    const at = Math.max(due, this.retryNotBefore);
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    await this.setAlarmAt(at);
  }

  private async setAlarmAt(at: number): Promise<void> {
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  private async restore(): Promise<void> {
    this.state = loadState(this.ctx.storage.sql);
    this.flusher = new Flusher({
      storage: this.ctx.storage,
      buffer: this.buffer,
      bucket: () => this.archive,
      collectorTag: collectorTag(this.ctx.id.toString()),
      state: this.state,
      lastSeq: () => this.nextSeq - 1,
      onRowsDeleted: (ids, now) => this.flushedIds.append(ids, now),
    });
    const { watermarks } = this.state;
    this.nextSeq = Math.max(this.buffer.maxSeq(), ...IMPORTANCE_LEVELS.map((l) => watermarks[l]), this.state.countersSeq) + 1;
    for (const row of this.buffer.talliesSince(this.state.countersSeq)) countReceived(this.state.counters, row.perImportance, row.tally);
    for (const level of IMPORTANCE_LEVELS) this.totals[level] = this.buffer.totals(level, watermarks[level]);
    const now = Date.now();
    const recent = [...this.flushedIds.recent(now, DEDUPE_MAX_IDS), ...this.buffer.recentIds(now - DEDUPE_WINDOW_MS, DEDUPE_MAX_IDS)];
    for (const { at, ids } of recent.sort((a, b) => a.at - b.at)) this.dedupe.add(ids, at);
    this.alarmAt = await this.ctx.storage.getAlarm();
    const pending = IMPORTANCE_LEVELS.some((level) => this.flusher.hasPendingPlan(level));
    if (pending && this.alarmAt === null) await this.setAlarmAt(now);
    else await this.scheduleAlarm();
  }
}
