import type { ForwardDecision } from "./analytics/data-point";
import type { EventKind } from "./event-envelope";
import type { Importance } from "./importance";

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
