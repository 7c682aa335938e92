import type { LiveStreamSet } from "../../schemas/live/streams";
import { type CollectorState, parseState } from "../collector-state";
import { BasinOutboxTable } from "./basin-outbox-table";
import { BufferTable } from "./buffer-table";
import { MetaRows } from "./meta-rows";
import { migrate } from "./migrations";

/** Failed flushes in a row, and no alarm before `notBefore` (0: the last flush worked). */
export interface FlushBackoff {
  failures: number;
  notBefore: number;
}

/**
 * Everything the collector keeps in its Durable Object's SQLite: the buffer table, the state row
 * (watermarks, flush plans, counters, Basin delivery), the flush backoff, the Basin outbox, the live
 * streams' filters; the
 * transactions around them; and the schema's migrations, run when the store is opened. No other
 * module writes SQL.
 */
export class CollectorStore {
  readonly buffer: BufferTable;
  readonly basinOutbox: BasinOutboxTable;
  private readonly meta: MetaRows;

  constructor(
    private readonly storage: DurableObjectStorage,
    now: number = Date.now(),
  ) {
    migrate(storage, now);
    this.buffer = new BufferTable(storage.sql);
    this.basinOutbox = new BasinOutboxTable(storage.sql);
    this.meta = new MetaRows(storage.sql);
  }

  /** Runs `work` atomically: every write in it happens, or none (and it throws). */
  transaction<T>(work: () => T): T {
    return this.storage.transactionSync(work);
  }

  loadState(): CollectorState {
    return parseState(this.meta.read("state"));
  }

  /** Persists the state; `lastSeq` is the newest buffer row the in-memory counters already include. */
  saveState(state: CollectorState, lastSeq: number): void {
    state.countersSeq = lastSeq;
    this.meta.write("state", JSON.stringify(state));
  }

  loadBackoff(): FlushBackoff {
    const saved = this.meta.read("flush_backoff");
    return saved === null ? { failures: 0, notBefore: 0 } : (JSON.parse(saved) as FlushBackoff);
  }

  saveBackoff(backoff: FlushBackoff): void {
    this.meta.write("flush_backoff", JSON.stringify(backoff));
  }

  /**
   * The open live streams as the hub last told this collector (the hub tells a shard only when
   * they change, so an eviction must not forget them). Unreadable: none, until the hub's next set.
   */
  loadLiveStreams(): LiveStreamSet {
    const saved = this.meta.read("live_streams");
    if (saved === null) return { version: 0, streams: [] };
    try {
      return JSON.parse(saved) as LiveStreamSet;
    } catch (error) {
      console.error(`live: the stored stream set is unreadable (${String(error)}); waiting for the hub's next one`);
      return { version: 0, streams: [] };
    }
  }

  saveLiveStreams(set: LiveStreamSet): void {
    this.meta.write("live_streams", JSON.stringify(set));
  }
}
