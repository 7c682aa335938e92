import type { WireEvent } from "../../schemas/collector-rpc";

/**
 * Splits a tail invocation's events into collector calls of at most `batchSize` events and about
 * `maxBatchBytes` of JSON, keeping each TraceItem's events in order. Usually this is one call.
 */
export function chunkIntoBatches(events: readonly WireEvent[], batchSize: number, maxBatchBytes: number): WireEvent[][] {
  const batches: WireEvent[][] = [];
  let current: WireEvent[] = [];
  let currentBytes = 0;
  for (const event of events) {
    const size = event.json.length;
    if (current.length > 0 && (current.length >= batchSize || currentBytes + size > maxBatchBytes)) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(event);
    currentBytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
