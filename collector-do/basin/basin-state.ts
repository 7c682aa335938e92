import type { BasinView } from "../../schemas/collector-rpc";

/** An archive object whose events are still to go to Basin: its key and how many events it holds. */
export type PendingObject = [key: string, events: number];

/** Why events of the archive were not sent to Basin (each counted, never silent). */
export type BasinDropReason = keyof BasinView["dropped"];

export interface BasinCounts {
  /** Records the stream accepted (a resend after a lost answer counts again: at-least-once). */
  sent: number;
  /** Records in send attempts that failed. */
  failed: number;
  /** Records in send attempts that repeated a failed one. */
  retried: number;
  dropped: Record<BasinDropReason, number>;
  /** UTF-8 bytes of the records sent, as JSON: what a sink's per-GB price applies to. */
  bytesSent: number;
  lastError: { at: number; message: string } | null;
  /** The latest drop and what it left out (the archive keys to send again by hand). */
  lastDrop: { at: number; message: string } | null;
}

/**
 * What the collector keeps in its state row for Basin delivery. `pending` lists the newest objects
 * still to send, oldest first; older ones spill into the basin_outbox table (see Outbox). `cursor`
 * is how far delivery got into the oldest batch (a spilled row, `row`, or `pending` when null): its
 * first `objects` objects and the first `events` events of the next one are sent. It is saved with
 * every write of the state row, so a restart resumes there and may resend what was sent since.
 */
export interface BasinState {
  pending: PendingObject[];
  cursor: { row: number | null; objects: number; events: number };
  /** Failed delivery passes in a row, and no retry before `notBefore`. */
  backoff: { failures: number; notBefore: number };
  /** The last send failed: the next attempt of those records counts as a retry. */
  lastSendFailed: boolean;
  counts: BasinCounts;
}

export function emptyBasinState(): BasinState {
  return {
    pending: [],
    cursor: { row: null, objects: 0, events: 0 },
    backoff: { failures: 0, notBefore: 0 },
    lastSendFailed: false,
    counts: {
      sent: 0,
      failed: 0,
      retried: 0,
      dropped: { invalid: 0, tooLarge: 0, objectMissing: 0, unreadableObject: 0, outboxFull: 0 },
      bytesSent: 0,
      lastError: null,
      lastDrop: null,
    },
  };
}
