import { archiveKey } from "../schemas/archive/key";
import type { FlushedObject } from "../schemas/collector-rpc";
import { IMPORTANCE_NAMES, type Importance } from "../schemas/importance";
import { writeArchiveObject } from "./archive-writer";
import type { CollectorState } from "./collector-state";
import { saveState } from "./collector-state";
import type { DayGroup, EventBuffer } from "./event-buffer";

interface PlannedObject extends DayGroup {
  key: string;
}

/** The objects one flush writes, all covering buffer rows up to seq `upTo` (undefined: nothing to flush). */
interface Plan {
  objects: PlannedObject[];
  upTo: number | undefined;
}

export interface FlushDeps {
  storage: DurableObjectStorage;
  buffer: EventBuffer;
  /** Read at every write, so a test can wrap the binding to inject faults. */
  bucket: () => R2Bucket;
  state: CollectorState;
  /** Goes into every key this collector writes (see archiveKey). */
  collectorTag: string;
  /** The highest buffer seq ever assigned: everything up to it is in the counters. */
  lastSeq: () => number;
  /** Called inside the commit transaction with the ids of rows it deleted. */
  onRowsDeleted: (ids: string[], now: number) => void;
}

/**
 * Flushes one importance to R2: plan (one object per UTC day, keys recorded before writing),
 * write, then commit (advance the watermark, delete fully flushed rows). A crash between write and
 * commit replays the same plan with the same keys, so a retry overwrites rather than duplicates.
 * Flushes of one importance never overlap.
 */
export class Flusher {
  private readonly running = new Map<Importance, Promise<FlushedObject[]>>();

  constructor(private readonly deps: FlushDeps) {}

  flush(level: Importance): Promise<FlushedObject[]> {
    const previous = this.running.get(level) ?? Promise.resolve([]);
    const run = previous.catch(() => []).then(() => this.flushOnce(level));
    this.running.set(level, run);
    const clear = () => {
      if (this.running.get(level) === run) this.running.delete(level);
    };
    run.then(clear, clear);
    return run;
  }

  hasPendingPlan(level: Importance): boolean {
    return this.pendingUpTo(level) !== undefined;
  }

  /** The last buffer seq a recorded (possibly running) flush of `level` covers. */
  pendingUpTo(level: Importance): number | undefined {
    const row = this.sql.exec("SELECT up_to_seq FROM pending_flush WHERE importance = ? LIMIT 1", level).toArray()[0];
    return row ? Number(row.up_to_seq) : undefined;
  }

  private async flushOnce(level: Importance): Promise<FlushedObject[]> {
    const { buffer, state } = this.deps;
    const after = state.watermarks[level];
    const { objects, upTo } = this.pendingPlan(level) ?? this.newPlan(level, after);
    if (upTo === undefined) return [];

    const written: FlushedObject[] = [];
    for (const object of objects) {
      const result = await writeArchiveObject(this.deps.bucket(), object.key, jsonArray(buffer.bodies(level, object.day, after, upTo)), {
        eventCount: String(object.events),
        bytes: String(object.bytes),
        importance: String(level),
        importanceName: IMPORTANCE_NAMES[level],
        firstEventAt: new Date(object.first).toISOString(),
        lastEventAt: new Date(object.last).toISOString(),
      });
      written.push({ key: object.key, importance: level, events: object.events, bytes: result.bytes, parts: result.parts });
    }
    this.commit(level, upTo, written);
    return written;
  }

  private newPlan(level: Importance, after: number): Plan {
    const upTo = this.deps.buffer.maxSeq();
    const objects = this.deps.buffer
      .dayGroups(level, after, upTo)
      .map((group) => ({ ...group, key: archiveKey(group.day, group.first, level, this.deps.collectorTag) }));
    if (objects.length === 0) return { objects, upTo: undefined };
    this.deps.storage.transactionSync(() => {
      for (const o of objects) {
        this.sql.exec("INSERT INTO pending_flush (key, importance, day, up_to_seq) VALUES (?, ?, ?, ?)", o.key, level, o.day, upTo);
      }
    });
    return { objects, upTo };
  }

  /** The plan a crashed or failed flush left behind, replayed with the same keys. */
  private pendingPlan(level: Importance): Plan | undefined {
    const rows = this.sql.exec("SELECT key, day, up_to_seq FROM pending_flush WHERE importance = ? ORDER BY day", level).toArray();
    if (rows.length === 0) return undefined;
    const upTo = Number(rows[0]!.up_to_seq);
    const groups = new Map(this.deps.buffer.dayGroups(level, this.deps.state.watermarks[level], upTo).map((g) => [g.day, g]));
    const objects = rows.flatMap((row) => {
      const group = groups.get(String(row.day));
      return group ? [{ ...group, key: String(row.key) }] : [];
    });
    return { objects, upTo };
  }

  private commit(level: Importance, upTo: number, written: FlushedObject[]): void {
    const { storage, buffer, state } = this.deps;
    const now = Date.now();
    storage.transactionSync(() => {
      state.watermarks[level] = upTo;
      this.sql.exec("DELETE FROM pending_flush WHERE importance = ?", level);
      this.deps.onRowsDeleted(buffer.sweep(state.watermarks), now);
      const counters = state.counters;
      for (const object of written) {
        counters.archived += object.events;
        counters.archivedByImportance[level] += object.events;
        counters.objectsWritten++;
        counters.bytesWritten += object.bytes;
      }
      counters.lastFlushAt = now;
      saveState(this.sql, state, this.deps.lastSeq());
    });
  }

  private get sql(): SqlStorage {
    return this.deps.storage.sql;
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
