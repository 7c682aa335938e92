import { DurableObject } from "cloudflare:workers";
import { collectorTag } from "../schemas/archive/key";
import type {
  BufferedEvents,
  CollectorRpc,
  CollectorStats,
  FlushReport,
  IngestBatch,
  IngestResult,
  RollupSnapshot,
  RollupSnapshotRequest,
} from "../schemas/collector-rpc";
import { type Config, loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { IMPORTANCE_LEVELS, IMPORTANCE_NAMES, type Importance } from "../schemas/importance";
import type { LiveCollectorRpc, LiveStreamSet } from "../schemas/live/streams";
import { type AlertTap, alertTapOf } from "./alerts/alert-tap";
import { recentlyArchived } from "./archived-hours";
import { BasinDelivery, type BasinStream } from "./basin/basin-delivery";
import { MAX_ROW_BYTES } from "./buffer-rows";
import type { CollectorState } from "./collector-state";
import { describeCollector } from "./collector-stats";
import { countReceived } from "./counters";
import { DEDUPE_MAX_IDS, DEDUPE_WINDOW_MS, DedupeWindow } from "./dedupe-window";
import { FlushScheduler } from "./flush-schedule";
import { Flusher, type FlushRun } from "./flusher";
import { Forwarder, forwardingObserver } from "./forward/forwarder";
import { GroupCommit } from "./group-commit";
import { type BatchOutcome, Intake } from "./intake";
import { type LiveTap, liveTapOf } from "./live/live-tap";
import { rollupSnapshot } from "./rollups/rollup-snapshot";
import { RollupWriter } from "./rollups/rollup-writer";
import { noteShed, shedReportEvent } from "./shed-report";
import type { UnflushedTotals } from "./store/buffer-table";
import { CollectorStore } from "./store/collector-store";
import { notifyObservers, type StoredEventsObserver, tapObserver } from "./stored-events";

/**
 * How long a group of ingest calls stays open (see GroupCommit). At 500 calls/s into one shard
 * about 25 calls share a row (measured), which is what brings row writes to 0.007 per event at 10
 * events per invocation; the wait costs producers nothing (tail() runs after their response) and
 * the tail worker only wall time, which is not billed.
 */
export const INGEST_LINGER_MS = 40;

/**
 * The TailCollector Durable Object: wires ingest (Intake, behind a group commit), flushes
 * (Flusher, timed by FlushScheduler) and stats together. Everything it acknowledges is in SQLite
 * first (CollectorStore); memory holds only totals, counters and the dedupe window, all rebuilt
 * from storage when the object starts.
 */
export class TailCollector extends DurableObject<Env> implements CollectorRpc, LiveCollectorRpc {
  private config: Config;
  private readonly store: CollectorStore;
  private readonly dedupe = new DedupeWindow(DEDUPE_WINDOW_MS, DEDUPE_MAX_IDS);
  private readonly totals = {} as Record<Importance, UnflushedTotals>;
  private readonly seq = { next: 1 };
  private state!: CollectorState;
  private intake!: Intake;
  private flusher!: Flusher;
  private scheduler!: FlushScheduler;
  private rollups!: RollupWriter;
  private readonly ingestGroup: GroupCommit<IngestBatch, BatchOutcome>;
  /** Ingest calls between arrival and answer: a call arriving while others are under way lingers. */
  private ingestsUnderWay = 0;
  /** Who gets each call's new events once stored: Analytics forwarding, alert rules, live streams. */
  private readonly observers: StoredEventsObserver[];
  /** Goes into every archive and rollup key this collector writes. */
  private readonly tag: string;
  /** Where flushes write. A field rather than env.ARCHIVE so fault-injection tests can wrap it. */
  archive: R2Bucket;
  /** Where data points go once a batch is stored. A field so tests can observe the sinks. */
  forwarder: Forwarder;
  /** The Basin stream archived events are sent to, if bound. A field so tests can wrap it. */
  basinStream: BasinStream | undefined;
  /** Sends what each flush archived to basinStream. */
  basin!: BasinDelivery;
  /** Counts stored events for ALERT_RULES. A field so tests can give a collector its own rules and AlertState object. */
  alerts: AlertTap;
  /** Matches stored events against the open GET /live streams. A field so tests can observe or fail its deliveries. */
  live: LiveTap;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = loadConfig(env);
    this.archive = env.ARCHIVE;
    this.forwarder = Forwarder.fromEnv(env, this.config);
    this.basinStream = env.BASIN_STREAM;
    this.alerts = alertTapOf(ctx, env, this.config.alerts.rules);
    this.store = new CollectorStore(ctx.storage);
    this.live = liveTapOf(this.store, env);
    this.tag = collectorTag(ctx.id.toString());
    this.ingestGroup = new GroupCommit((batches) => this.intake.commit(batches, Date.now()), {
      lingerMs: INGEST_LINGER_MS,
      maxSize: MAX_ROW_BYTES,
      sizeOf: batchBytes,
    });
    this.observers = [
      forwardingObserver(
        () => this.forwarder,
        () => this.state.counters.analytics,
      ),
      tapObserver(() => this.alerts),
      tapObserver(() => this.live),
    ];
    void ctx.blockConcurrencyWhile(() => this.restore());
  }

  /** Stores a batch durably (answered once its group's row is in SQLite) and schedules its flush. */
  async ingest(batch: IngestBatch): Promise<IngestResult> {
    this.ingestsUnderWay++;
    try {
      const { result, fresh } = await this.ingestGroup.submit(batch, this.ingestsUnderWay === 1);
      // The group may have been written by another call's timer; waiting for the write to be durable
      // (which the answer waits for anyway) brings this call back into its own request, where its
      // observers' work (Analytics Engine points, waitUntil) belongs.
      await this.ctx.storage.sync();
      notifyObservers(this.observers, fresh, (work) => this.ctx.waitUntil(work));
      await this.scheduler.schedule(this.totals);
      return result;
    } finally {
      this.ingestsUnderWay--;
    }
  }

  /**
   * Flushes every importance now (POST /flush): everything buffered when it was called, in as many
   * runs as a large backlog takes, stopping at the first failure.
   */
  async flush(): Promise<FlushReport> {
    const through = this.seq.next - 1;
    const report: FlushReport = { objects: [], events: 0, bytes: 0, errors: [] };
    for (;;) {
      const run = await this.flushLevels(IMPORTANCE_LEVELS);
      report.objects.push(...run.written);
      report.errors.push(...run.errors.map((e) => `${IMPORTANCE_NAMES[e.level]}: ${e.message}`));
      const left = IMPORTANCE_LEVELS.some((level) => this.totals[level].events > 0 && this.state.watermarks[level] < through);
      if (run.errors.length > 0 || run.written.length === 0 || !left) break;
    }
    for (const object of report.objects) {
      report.events += object.events;
      report.bytes += object.bytes;
    }
    return report;
  }

  async stats(): Promise<CollectorStats> {
    return describeCollector({
      totals: this.totals,
      config: this.config,
      counters: this.state.counters,
      basin: this.basin.view(),
      alarmAt: this.scheduler.nextFlushAt,
      dedupeWindowIds: this.dedupe.size,
    });
  }

  /** The live hub's set of open streams, pushed when it changes (see LiveTap). */
  async setLiveStreams(set: LiveStreamSet): Promise<{ version: number }> {
    return this.live.setStreams(set);
  }

  /** Events not yet flushed, as JSON array text, at most `maxBytes` of them, and the hours archived into lately (queries read these). */
  async bufferedEvents(maxBytes: number): Promise<BufferedEvents> {
    const archived = recentlyArchived(this.state.archivedHours, Date.now());
    return { ...this.store.buffer.unflushed(this.state.watermarks, maxBytes), archived };
  }

  /** Rollups of the open hours and of buffered events, as of now (count queries read these). */
  async rollupSnapshot(request: RollupSnapshotRequest): Promise<RollupSnapshot> {
    return rollupSnapshot(request, this.state, this.store.buffer, this.tag, Date.now());
  }

  override async alarm(): Promise<void> {
    this.scheduler.alarmFired();
    const due = new Set(this.scheduler.dueLevels(this.totals, Date.now()));
    for (const level of IMPORTANCE_LEVELS) if (this.flusher.hasPlan(level)) due.add(level);
    if (due.size > 0) await this.flushLevels([...due].sort());
    else {
      await this.rollups.afterFlush();
      await this.sweepWhenIdle();
    }
    await this.scheduler.schedule(this.totals);
    this.basin.wake();
  }

  /** One flush run of `levels`, then what follows it: totals, the backoff, the shed report. */
  private async flushLevels(levels: readonly Importance[]): Promise<FlushRun> {
    const run = await this.flusher.run(levels);
    for (const level of levels) this.totals[level] = this.store.buffer.totals(level, this.state.watermarks[level]);
    for (const error of run.errors) this.recordFailure(error.message);
    // Only a flush that reached R2 shows that flushing works again.
    if (run.written.length > 0) this.reportShed();
    this.basin.wake();
    await this.rollups.afterFlush();
    await this.scheduler.flushed(run.errors.length === 0, this.totals);
    await this.sweepWhenIdle();
    await this.scheduler.schedule(this.totals);
    return run;
  }

  /**
   * With nothing left to flush, deletes the rows kept for the deduplication window once it has
   * passed (busy shards overwrite them instead), waking up for the ones still inside it.
   */
  private async sweepWhenIdle(): Promise<void> {
    if (!this.nothingToFlush()) return;
    if (this.ingestGroup.waiting > 0) return;
    const now = Date.now();
    this.store.transaction(() => this.store.buffer.sweep(this.state.watermarks, now - DEDUPE_WINDOW_MS));
    const newest = this.store.buffer.newestReceivedAt();
    if (newest !== null) await this.scheduler.wakeBy(newest + DEDUPE_WINDOW_MS);
  }

  private nothingToFlush(): boolean {
    return IMPORTANCE_LEVELS.every((level) => this.totals[level].events === 0 && !this.flusher.hasPlan(level));
  }

  /** Flushing works again: archive one HIGH event saying what overflow shed meanwhile. */
  private reportShed(): void {
    const shed = this.state.unreportedShed;
    if (shed === null) return;
    const now = Date.now();
    const outcomes = this.intake.commit([{ events: [shedReportEvent(shed, now)] }], now, () => {
      this.state.unreportedShed = null;
      this.store.saveState(this.state, this.seq.next - 1);
    });
    // Stored like any event, it reaches alert rules, live streams and forwarding like any event.
    notifyObservers(
      this.observers,
      outcomes.flatMap((outcome) => outcome.fresh),
      (work) => this.ctx.waitUntil(work),
    );
  }

  private recordFailure(message: string): void {
    this.state.counters.flushFailures++;
    this.state.counters.lastError = { at: Date.now(), message };
    console.error(`TailCollector flush failed: ${message}`);
  }

  private async restore(): Promise<void> {
    const { store } = this;
    this.state = store.loadState();
    const { watermarks, plans } = this.state;
    this.seq.next =
      Math.max(
        store.buffer.maxSeq(),
        this.state.countersSeq,
        ...IMPORTANCE_LEVELS.map((l) => Math.max(watermarks[l], plans[l]?.upTo ?? 0)),
      ) + 1;
    for (const row of store.buffer.talliesSince(this.state.countersSeq)) {
      countReceived(this.state.counters, row.perImportance, row.tally);
      this.state.unreportedShed = noteShed(this.state.unreportedShed, row.tally.shed, row.receivedAt);
    }
    for (const level of IMPORTANCE_LEVELS) this.totals[level] = store.buffer.totals(level, watermarks[level]);
    const now = Date.now();
    const recent = store.buffer.recentIds(now - DEDUPE_WINDOW_MS, DEDUPE_MAX_IDS);
    for (const { at, ids } of recent.reverse()) this.dedupe.add(ids, at);

    const deps = { store, state: this.state, totals: this.totals, dedupe: this.dedupe, config: () => this.config, seq: this.seq };
    this.intake = new Intake(deps);
    this.rollups = new RollupWriter({
      book: () => this.state.rollups,
      bucket: () => this.archive,
      collector: this.tag,
      wakeBy: (at) => this.scheduler.wakeBy(at),
    });
    this.basin = new BasinDelivery({
      store,
      state: this.state,
      stream: () => this.basinStream,
      bucket: () => this.archive,
      saveState: () => store.saveState(this.state, this.seq.next - 1),
      wakeBy: (at) => this.scheduler.wakeBy(at),
      idle: () => this.nothingToFlush() && this.ingestGroup.waiting === 0,
      waitUntil: (work) => this.ctx.waitUntil(work),
    });
    this.flusher = new Flusher({
      store,
      bucket: () => this.archive,
      state: this.state,
      collectorTag: this.tag,
      lastSeq: () => this.seq.next - 1,
      archived: (objects) => this.basin.archived(objects),
    });
    this.scheduler = new FlushScheduler(this.ctx.storage, store, () => ({
      thresholds: this.config.thresholds,
      intervalMs: this.config.flushIntervalSeconds * 1000,
    }));
    await this.scheduler.restore(
      this.totals,
      IMPORTANCE_LEVELS.some((level) => this.flusher.hasPlan(level)),
    );
    await this.basin.restore();
  }
}

/** A batch's size as the group commit bounds it: its events' JSON. */
function batchBytes(batch: IngestBatch): number {
  let bytes = 0;
  for (const event of Array.isArray(batch?.events) ? batch.events : []) bytes += typeof event?.json === "string" ? event.json.length : 0;
  return bytes;
}
