import type { EventRecord } from "../../schemas/basin/event-record";
import type { BasinView, FlushedObject } from "../../schemas/collector-rpc";
import { errorMessage } from "../../schemas/lib/error-message";
import { type BackoffPolicy, backoffDelayMs, type RetryPolicy, retry } from "../../schemas/lib/retry";
import type { CollectorState } from "../collector-state";
import type { CollectorStore } from "../store/collector-store";
import { type BasinDropReason, type BasinState, emptyBasinState } from "./basin-state";
import { Outbox, type OutboxHead, type OutboxLimits } from "./outbox";
import { type BatchLimits, type RecordBatch, recordBatches } from "./record-batches";

/** The part of a `pipelines` binding delivery uses (workers-types' Pipeline). */
export interface BasinStream {
  send(records: EventRecord[]): Promise<void>;
}

export interface BasinLimits extends OutboxLimits, BatchLimits {
  /** Archive bytes one delivery pass reads before it hands over to the next alarm (a fresh CPU budget). */
  passBytes: number;
  /** A send() or R2 read that has not answered by then counts as failed. */
  callTimeoutMs: number;
  /** Attempts of one send within a pass. */
  sendRetry: RetryPolicy;
  /** Between failed passes, which leave the rest to the alarm. */
  backoff: BackoffPolicy;
}

/**
 * Basin Pipelines documents 5 MB per ingestion request (1 MB before the Basin rename): a send stays
 * under the lower figure, so either holds. Events are at most MAX_EVENT_BYTES (1 MiB at most), so a
 * record over 1 MiB needs that setting at its maximum and quote-heavy data.
 *
 * The outbox keeps 256 objects in the state row (about 25 KB) and 2,000 spilled rows of 256: 512,000
 * objects, about a day at the design rate of 5,000 events/s per shard (some 5 objects a second).
 */
export const BASIN_LIMITS: BasinLimits = {
  inState: 256,
  spillBatch: 256,
  maxSpilledRows: 2_000,
  sendBytes: 1_000_000,
  recordBytes: 1_000_000,
  passBytes: 64 * 1024 * 1024,
  callTimeoutMs: 30_000,
  // Three tries within a pass, a quarter to two seconds apart: a passing hiccup costs no alarm.
  sendRetry: { attempts: 3, baseDelayMs: 250, maxDelayMs: 2_000 },
  // Then passes back off: jittered up to 5 s, 10 s, 20 s … capped at 5 minutes, never under 1 s.
  backoff: { baseDelayMs: 5_000, maxDelayMs: 300_000, minDelayMs: 1_000 },
};

export interface BasinDeps {
  store: CollectorStore;
  state: CollectorState;
  /** The bound stream, read at each use (tests wrap it); undefined when Basin is not configured. */
  stream: () => BasinStream | undefined;
  bucket: () => R2Bucket;
  /** Writes the state row (called inside a transaction). */
  saveState: () => void;
  /** Makes the alarm fire by `at` at the latest. */
  wakeBy: (at: number) => Promise<void>;
  /** Nothing buffered and no flush under way: no state write is coming by itself. */
  idle: () => boolean;
  waitUntil: (work: Promise<unknown>) => void;
}

/**
 * Sends every archived event to a Basin stream (a `pipelines` binding), after its archive object
 * is committed: what R2 holds, Basin gets. Objects are queued in the flush commit (Outbox), then a
 * pass in the background reads each one back from R2 and sends its events as records, oldest
 * first. A failed send is retried with backoff and never holds up archiving; progress is saved
 * with the state row, so delivery resumes after an eviction from where it was last saved, which
 * may resend events: delivery is at least once, and a record's `id` tells copies apart.
 */
export class BasinDelivery {
  /** Overridable by tests (a small outbox, quick retries). */
  limits: BasinLimits = { ...BASIN_LIMITS };
  private readonly state: BasinState;
  private readonly outbox: Outbox;
  private pass: Promise<void> | undefined;
  private again = false;

  constructor(private readonly deps: BasinDeps) {
    deps.state.basin ??= emptyBasinState();
    this.state = deps.state.basin;
    this.outbox = new Outbox(deps.store.basinOutbox, this.state, () => this.limits);
  }

  /** Called inside the flush commit's transaction: queues what the run archived, saved with the commit. */
  archived(objects: readonly FlushedObject[]): void {
    if (this.deps.stream() === undefined) return;
    const queued = objects.filter((o) => o.events > 0).map((o): [string, number] => [o.key, o.events]);
    if (queued.length > 0) this.outbox.add(queued);
  }

  /** After a flush run and when the alarm fires: starts a delivery pass in the background if one is due. */
  wake(now = Date.now()): void {
    if (this.deps.stream() === undefined) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    if (!this.outbox.head()) return;
    if (now < this.state.backoff.notBefore) {
      // The alarm that was to end the backoff may have been spent on a flush: make sure one comes.
      this.deps.waitUntil(this.deps.wakeBy(this.state.backoff.notBefore));
      return;
    }
    const pass = this.runPasses().finally(() => {
      this.pass = undefined;
    });
    this.pass = pass;
    this.deps.waitUntil(pass);
  }

  /** At start-up: a delivery left unfinished gets an alarm, so it resumes without waiting for traffic. */
  async restore(): Promise<void> {
    if (this.deps.stream() === undefined || !this.outbox.head()) return;
    await this.deps.wakeBy(Math.max(Date.now(), this.state.backoff.notBefore));
  }

  /** Resolves when no pass is under way. */
  async settled(): Promise<void> {
    while (this.pass) await this.pass;
  }

  view(): BasinView {
    const { counts } = this.state;
    const pending = this.outbox.totals();
    const iso = (entry: { at: number; message: string } | null) =>
      entry ? { at: new Date(entry.at).toISOString(), message: entry.message } : null;
    return {
      sent: counts.sent,
      failed: counts.failed,
      retried: counts.retried,
      dropped: { ...counts.dropped },
      bytesSent: counts.bytesSent,
      pendingObjects: pending.objects,
      pendingEvents: pending.events,
      lastError: iso(counts.lastError),
      lastDrop: iso(counts.lastDrop),
    };
  }

  private async runPasses(): Promise<void> {
    do {
      this.again = false;
      await this.runPass();
    } while (this.again && Date.now() >= this.state.backoff.notBefore && this.outbox.head());
  }

  /** Sends objects oldest first until the outbox is empty, a send fails, or the pass has read its share of bytes. */
  private async runPass(): Promise<void> {
    let read = 0;
    let delivered = false;
    for (;;) {
      const head = this.outbox.head();
      const stream = this.deps.stream();
      if (!head || !stream) break;
      if (read >= this.limits.passBytes) {
        // The rest goes to the next alarm, in an invocation of its own: a backlog never runs one out of CPU.
        this.save();
        await this.deps.wakeBy(Date.now());
        return;
      }
      const outcome = await this.deliverObject(head, stream);
      if (outcome === "failed") return;
      read += outcome.read;
      delivered = true;
    }
    if (delivered && this.deps.idle()) this.save();
  }

  /** Sends the rest of one object; answers the bytes read, or "failed" once the pass has backed off. */
  private async deliverObject(head: OutboxHead, stream: BasinStream): Promise<{ read: number } | "failed"> {
    let text: string | null;
    try {
      const object = await this.timed(this.deps.bucket().get(head.key), "R2 read");
      text = object === null ? null : await this.timed(object.text(), "R2 read");
    } catch (error) {
      return this.failed(`reading ${head.key}: ${errorMessage(error)}`);
    }
    if (text === null) {
      this.drop(head, "objectMissing", head.events - head.sent, `${head.key} is no longer in R2`);
      return { read: 0 };
    }
    let sent = head.sent;
    try {
      for (const batch of recordBatches(text, head.key, head.sent, this.limits)) {
        if (batch.records.length > 0 && !(await this.send(stream, batch)))
          return this.failed(this.state.counts.lastError?.message ?? "send failed");
        if (!this.outbox.progress(head, batch.through)) return { read: text.length };
        this.countDrops(head.key, batch);
        sent = batch.through;
      }
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      this.drop(head, "unreadableObject", Math.max(0, head.events - sent), `${head.key} is not a JSON array: ${error.message}`);
      return { read: text.length };
    }
    this.finish(head);
    return { read: text.length };
  }

  private async send(stream: BasinStream, batch: RecordBatch): Promise<boolean> {
    const { counts } = this.state;
    const n = batch.records.length;
    const outcome = await retry(this.limits.sendRetry, async (attempt) => {
      if (attempt > 1 || this.state.lastSendFailed) counts.retried += n;
      try {
        await this.timed(stream.send(batch.records), "send");
        return { ok: true, value: undefined };
      } catch (error) {
        counts.failed += n;
        this.state.lastSendFailed = true;
        counts.lastError = { at: Date.now(), message: `send of ${n} records failed: ${errorMessage(error)}` };
        return { ok: false, error: errorMessage(error) };
      }
    });
    if (!outcome.ok) return false;
    counts.sent += n;
    counts.bytesSent += batch.bytes;
    this.state.lastSendFailed = false;
    this.state.backoff = { failures: 0, notBefore: 0 };
    return true;
  }

  /** A pass that cannot go on: back off (saved, with the progress so far) and let the alarm retry. */
  private async failed(message: string): Promise<"failed"> {
    const failures = this.state.backoff.failures + 1;
    this.state.backoff = { failures, notBefore: Date.now() + backoffDelayMs(failures, this.limits.backoff) };
    this.state.counts.lastError = { at: Date.now(), message };
    console.error(`Basin delivery failed (retry #${failures} by ${new Date(this.state.backoff.notBefore).toISOString()}): ${message}`);
    this.save();
    await this.deps.wakeBy(this.state.backoff.notBefore);
    return "failed";
  }

  private countDrops(key: string, batch: RecordBatch): void {
    let total = 0;
    for (const [reason, n] of Object.entries(batch.drops) as [BasinDropReason, number][]) {
      this.state.counts.dropped[reason] += n;
      total += n;
    }
    if (total > 0) this.noteDrop(`${total} events of ${key} not sent: ${batch.firstProblem}`);
  }

  private drop(head: OutboxHead, reason: BasinDropReason, events: number, why: string): void {
    this.state.counts.dropped[reason] += events;
    this.noteDrop(`${events} events not sent: ${why}`);
    this.finish(head);
  }

  /** Done with `head`; a spilled row it emptied is deleted in the same transaction that saves the cursor past it. */
  private finish(head: OutboxHead): void {
    this.deps.store.transaction(() => {
      if (this.outbox.finish(head)) this.deps.saveState();
    });
  }

  private noteDrop(message: string): void {
    this.state.counts.lastDrop = { at: Date.now(), message };
    console.error(`Basin: ${message}`);
  }

  private save(): void {
    this.deps.store.transaction(() => this.deps.saveState());
  }

  private timed<T>(work: Promise<T>, what: string): Promise<T> {
    let timer = 0;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not answer within ${this.limits.callTimeoutMs} ms`)),
        this.limits.callTimeoutMs,
      );
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}
