import type { ForwardCounts } from "../../schemas/analytics/forward-counts";

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
