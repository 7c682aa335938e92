import type { SelectionSkip } from "../../schemas/analytics/data-point";
import type { LimitViolation } from "../../schemas/analytics/limits";

/** Why the Analytics Engine sink left out a point it was given. */
export type EngineSkip = LimitViolation | "invocationLimit";

/**
 * Analytics forwarding as /stats shows it. `selected` events had a data point; `skipped` are
 * mapped events the tail worker did not turn into a point (mapping switched off, fields failing
 * their schema) and points that arrived malformed.
 * Each sink counts what it forwarded, left out (never past a limit) and failed to deliver.
 */
export interface ForwardCounts {
  selected: number;
  skipped: Record<SelectionSkip | "malformed", number>;
  engine: { forwarded: number; failed: number; skipped: Record<EngineSkip, number> };
  endpoint: { forwarded: number; failed: number; batches: number; retries: number };
  lastError: { at: number; message: string } | null;
}

export function emptyForwardCounts(): ForwardCounts {
  return {
    selected: 0,
    skipped: { disabled: 0, invalid: 0, malformed: 0 },
    engine: {
      forwarded: 0,
      failed: 0,
      skipped: { tooManyBlobs: 0, tooManyDoubles: 0, tooManyIndexes: 0, indexTooLong: 0, blobsTooLarge: 0, invocationLimit: 0 },
    },
    endpoint: { forwarded: 0, failed: 0, batches: 0, retries: 0 },
    lastError: null,
  };
}

export function recordForwardError(counts: ForwardCounts, message: string): void {
  counts.lastError = { at: Date.now(), message };
}
