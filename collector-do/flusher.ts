import { archiveKey } from "../schemas/archive/key";
import { utcDay } from "../schemas/archive/partition";
import type { FlushedObject } from "../schemas/collector-rpc";
import { IMPORTANCE_NAMES, type Importance } from "../schemas/importance";
import { errorMessage } from "../schemas/lib/error-message";
import { PART_BYTES, writeArchiveObject } from "./archive-writer";
import { noteArchived } from "./archived-hours";
import type { CollectorState, FlushPlan } from "./collector-state";
import { planObjects } from "./flush-plan";
import { counted, FlushContribution } from "./rollups/flush-contribution";
import type { CollectorStore } from "./store/collector-store";

/**
 * Largest archive object a flush writes: one R2 part, so every object is a single PUT (one Class
 * A operation; a multipart object costs one per part plus two) and any object fits in a query's
 * byte budget many times over. Rows are never split, so an object is at most this size.
 */
export const MAX_OBJECT_BYTES = PART_BYTES;

/** Most buffered bytes of one importance one flush takes on; a larger backlog takes several runs. */
export const MAX_FLUSH_BYTES = 256 * 1024 * 1024;

export interface FlushDeps {
  store: CollectorStore;
  /** Read at every write, so a test can wrap the binding to inject faults. */
  bucket: () => R2Bucket;
  state: CollectorState;
  /** Goes into every key this collector writes (see archiveKey). */
  collectorTag: string;
  /** The highest buffer seq ever assigned: everything up to it is in the counters. */
  lastSeq: () => number;
  /**
   * Called inside the commit's transaction with the objects the run archived: what it records in
   * the state is saved with the commit, so it happens once per object, replayed flushes included.
   */
  archived?: (objects: readonly FlushedObject[]) => void;
}

export interface FlushRun {
  written: FlushedObject[];
  errors: { level: Importance; message: string }[];
}

/**
 * Flushes importances to R2: plan (objects per UTC hour, at most MAX_OBJECT_BYTES each, keys
 * recorded in the state row before writing), write, then commit (advance the watermarks). A
 * crash between write and commit replays the same plan with the same keys, so a retry overwrites
 * rather than duplicates. One run plans every importance it flushes in one state write and
 * commits them in another; runs never overlap. The commit also adds what the run archived to the
 * collector's hourly rollups (rollups/), and the hours it archived into to those queries are told
 * of (archived-hours.ts), in the same transaction.
 */
export class Flusher {
  private queue: Promise<unknown> = Promise.resolve();
  /** Overridable by the benchmark, which compares object sizes. */
  maxObjectBytes = MAX_OBJECT_BYTES;

  constructor(private readonly deps: FlushDeps) {}

  run(levels: readonly Importance[]): Promise<FlushRun> {
    const run = this.queue.then(() => this.runOnce(levels));
    this.queue = run.catch(() => undefined);
    return run;
  }

  hasPlan(level: Importance): boolean {
    return this.deps.state.plans[level] !== undefined;
  }

  private async runOnce(levels: readonly Importance[]): Promise<FlushRun> {
    const { store, state } = this.deps;
    const plans = new Map<Importance, FlushPlan>();
    let planned = false;
    for (const level of levels) {
      let plan = state.plans[level];
      if (!plan) {
        plan = this.newPlan(level);
        if (plan) state.plans[level] = plan;
        planned ||= plan !== undefined;
      }
      if (plan) plans.set(level, plan);
    }
    if (planned) store.transaction(() => store.saveState(state, this.deps.lastSeq()));

    const outcome: FlushRun = { written: [], errors: [] };
    const done: [Importance, FlushedObject[]][] = [];
    const contribution = new FlushContribution(this.deps.collectorTag);
    for (const [level, plan] of plans) {
      // What a failed importance wrote is not counted: its replay counts it.
      const counting = new FlushContribution(this.deps.collectorTag);
      try {
        done.push([level, await this.write(level, plan, counting)]);
        contribution.include(counting);
      } catch (error) {
        outcome.errors.push({ level, message: errorMessage(error) });
      }
    }
    if (done.length > 0) this.commit(done, contribution);
    for (const [, objects] of done) outcome.written.push(...objects);
    return outcome;
  }

  private newPlan(level: Importance): FlushPlan | undefined {
    const after = this.deps.state.watermarks[level];
    const slices = this.deps.store.buffer.slicesAfter(level, after, MAX_FLUSH_BYTES);
    if (slices.length === 0) return undefined;
    const lastSeq = this.deps.lastSeq();
    const cut = slices.reduce((sum, s) => sum + s.bytes, 0) > MAX_FLUSH_BYTES;
    // Taken whole, the flush covers every row so far: rows past its last slice hold none of `level`.
    const upTo = cut ? slices.at(-1)!.seq : lastSeq;
    const objects = planObjects(slices, after, this.maxObjectBytes).map(({ first, ...selection }) => ({
      ...selection,
      key: archiveKey(utcDay(first), first, level, this.deps.collectorTag),
    }));
    return { upTo, objects };
  }

  private async write(level: Importance, plan: FlushPlan, contribution: FlushContribution): Promise<FlushedObject[]> {
    const { buffer } = this.deps.store;
    const written: FlushedObject[] = [];
    for (const object of plan.objects) {
      const summary = buffer.summary(level, object);
      if (summary.events === 0) continue;
      const bodies = counted(buffer.bodies(level, object), contribution, object.from);
      const result = await writeArchiveObject(this.deps.bucket(), object.key, jsonArray(bodies), {
        eventCount: String(summary.events),
        bytes: String(summary.bytes),
        importance: String(level),
        importanceName: IMPORTANCE_NAMES[level],
        firstEventAt: new Date(summary.first).toISOString(),
        lastEventAt: new Date(summary.last).toISOString(),
      });
      written.push({ key: object.key, importance: level, events: summary.events, bytes: result.bytes, parts: result.parts });
    }
    return written;
  }

  private commit(done: readonly [Importance, FlushedObject[]][], contribution: FlushContribution): void {
    const { store, state } = this.deps;
    const now = Date.now();
    store.transaction(() => {
      state.rollups.commit(contribution.hours, this.deps.collectorTag, now);
      const counters = state.counters;
      for (const [level, objects] of done) {
        state.watermarks[level] = state.plans[level]!.upTo;
        delete state.plans[level];
        for (const object of objects) {
          counters.archived += object.events;
          counters.archivedByImportance[level] += object.events;
          counters.objectsWritten++;
          counters.bytesWritten += object.bytes;
        }
      }
      counters.lastFlushAt = now;
      const objects = done.flatMap(([, written]) => written);
      noteArchived(
        state.archivedHours,
        objects.map((o) => o.key),
        now,
      );
      this.deps.archived?.(objects);
      store.saveState(state, this.deps.lastSeq());
    });
  }
}

/** Wraps comma-joined row bodies into one JSON array without re-parsing any event. */
function* jsonArray(bodies: Iterable<string>): Generator<string> {
  yield "[";
  let first = true;
  for (const body of bodies) {
    if (!first) yield ",";
    first = false;
    yield body;
  }
  yield "]";
}
