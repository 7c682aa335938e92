import type { ForwardDecision } from "./analytics/data-point";
import type { ForwardCounts } from "./analytics/forward-counts";
import { CLOCK_SKEW_MS, SLICE_CACHE_MS } from "./archive/slice-cache";
import type { EventKind } from "./event-envelope";
import type { Importance } from "./importance";
import type { RollupFile } from "./rollup/rollup-format";

/** One serialized event as the tail worker hands it to the collector. */
export interface WireEvent {
  id: string;
  importance: Importance;
  timestamp: number;
  type: string;
  kind: EventKind;
  namespace: string | null;
  /** Kept as text rather than as a structured event (not JSON, broken JSON, unserialisable). */
  asText: boolean;
  /** The archived event, serialized once by the tail worker: the collector never re-parses it. */
  json: string;
  /** Its name is in the catalog and its fields fail that schema: archived anyway, counted by type. */
  invalid?: boolean;
  /** The tail worker's analytics decision; absent when forwarding is off or the event has no mapping. */
  analytics?: ForwardDecision;
}

export interface IngestBatch {
  events: WireEvent[];
  /**
   * Events this tail-worker isolate failed to deliver since its last successful call (every retry
   * exhausted), reported late so that /stats shows them rather than losing them silently.
   */
  undelivered?: number;
  /** Events tail sampling dropped since the last report, by type. */
  sampledOut?: Record<string, number>;
}

export interface IngestResult {
  /** Events stored durably by this call. */
  accepted: number;
  /** Events ignored because their id was already ingested (a retried delivery). */
  duplicates: number;
  /** Events acknowledged but dropped by overflow (counted by reason in /stats). */
  shed: number;
}

/** One R2 object a flush wrote. */
export interface FlushedObject {
  key: string;
  importance: Importance;
  events: number;
  bytes: number;
  parts: number;
}

export interface FlushReport {
  objects: FlushedObject[];
  events: number;
  bytes: number;
  errors: string[];
}

/** How long a collector names the hours it archived into: as long as a query's isolate keeps a closed hour's listing. */
export const ARCHIVED_HOURS_MS = SLICE_CACHE_MS + CLOCK_SKEW_MS;

/**
 * The importance-hours (of archive keys) a collector's flush commits archived into within the last
 * ARCHIVED_HOURS_MS, each with the time of the latest such commit by its clock: a listing of such
 * an hour made before then may lack the object (schemas/archive/slice-cache.ts).
 */
export interface ArchivedHours {
  hours: { importance: Importance; hourStart: number; at: number }[];
  /** Hours not named (past the most it names) were archived into no later than this. */
  othersAt?: number;
}

/**
 * A collector's unflushed events as JSON array text, cut at the byte bound a query asked for, and,
 * read in the same step, the hours its flushes archived into lately: a listing of one of those
 * hours kept from before may lack events no longer buffered.
 */
export interface BufferedEvents {
  json: string;
  events: number;
  truncated: boolean;
  archived: ArchivedHours;
}

export type ImportanceName = keyof typeof Importance;

/** One importance's buffer on /stats: events waiting for a flush, and the thresholds that flush them. */
export interface BufferedView {
  importance: Importance;
  events: number;
  bytes: number;
  maxEvents: number;
  maxBytes: number;
  capBytes: number;
  oldestReceivedAt: string | null;
}

export type ShedReason = "over_buffer_cap" | "room_for_critical_high";
/** Shed events by reason, then by importance name. */
export type ShedCounts = Partial<Record<ShedReason, Record<string, number>>>;

type IsoError = { at: string; message: string } | null;

/**
 * Delivery to Basin (a `pipelines` stream) as /stats shows it: records sent (a resend counts
 * again), records in failed and in repeated send attempts, events left out by reason, and what is
 * still to send. All zero while no stream is bound.
 */
export interface BasinView {
  sent: number;
  failed: number;
  retried: number;
  dropped: { invalid: number; tooLarge: number; objectMissing: number; unreadableObject: number; outboxFull: number };
  bytesSent: number;
  pendingObjects: number;
  pendingEvents: number;
  lastError: IsoError;
  /** The latest events left out, and which (archive keys). */
  lastDrop: IsoError;
}

/** A collector's counters as /stats shows them: importance keys by name, times as ISO strings. */
export interface CounterView {
  received: number;
  archived: number;
  keptAsText: number;
  duplicates: number;
  rejected: number;
  undelivered: number;
  shed: ShedCounts;
  receivedByImportance: Record<ImportanceName, number>;
  archivedByImportance: Record<ImportanceName, number>;
  byNamespace: Record<string, number>;
  invalidByType: Record<string, number>;
  sampledOut: Record<string, number>;
  analytics: Omit<ForwardCounts, "lastError"> & { lastError: IsoError };
  basin: BasinView;
  objectsWritten: number;
  bytesWritten: number;
  flushFailures: number;
  lastFlushAt: string | null;
  lastError: IsoError;
}

export interface CollectorStats {
  buffered: Record<ImportanceName, BufferedView>;
  counters: CounterView;
  nextFlushAt: string | null;
  dedupeWindowIds: number;
}

/** What a query asks a collector for: its rollups (and a count of its buffered events) of a time range, as of one moment. */
export interface RollupSnapshotRequest {
  from: number;
  to: number;
  /** Count the unflushed events too (as rollups), reading at most `maxBufferedBytes` of them. */
  includeBuffered: boolean;
  maxBufferedBytes: number;
}

/**
 * A collector's counts as of one moment (`at`), all taken in one synchronous step so that they fit
 * together: what it has archived into the hours it is still archiving into, what it holds
 * unflushed, and what tells a reader which stored rollups and archive objects belong before that
 * moment.
 */
export interface RollupSnapshot {
  /** The collector's tag, as in its archive keys and rollup keys. */
  collector: string;
  /** Its clock when it answered: archive objects it planned later are not part of this moment. */
  at: number;
  /** Flush commits so far: a stored rollup naming a later one was written after this moment. */
  commits: number;
  /** Rollups of the open hours overlapping the range: newer than (or equal to) their R2 copies. */
  hours: RollupFile[];
  /** Keys of archive objects of flushes under way: their events are still counted as buffered. */
  pendingKeys: string[];
  /** The hours it archived into lately: a listing of one kept from before may lack objects archived before this moment. */
  archived: ArchivedHours;
  /**
   * Unflushed events of the range's hours, as rollups per hour, when asked for; `truncated` when
   * more than the bytes asked for were buffered; `unreadable` events whose JSON did not parse.
   */
  buffered?: { hours: RollupFile[]; events: number; bytes: number; truncated: boolean; unreadable?: number };
}

/** What the TailCollector Durable Object answers over RPC: the contract the tail worker and HTTP API use. */
export interface CollectorRpc {
  ingest(batch: IngestBatch): Promise<IngestResult>;
  flush(): Promise<FlushReport>;
  stats(): Promise<CollectorStats>;
  bufferedEvents(maxBytes: number): Promise<BufferedEvents>;
  rollupSnapshot(request: RollupSnapshotRequest): Promise<RollupSnapshot>;
}
