/**
 * What this tail-worker isolate owes the collector's counters: events it could not deliver and
 * events tail sampling dropped. Both ride along with the next batch that gets through, so a
 * tail invocation whose events were all sampled out costs no collector call.
 */
export interface PendingReport {
  undelivered: number;
  sampledOut: Record<string, number>;
}

let pending: PendingReport = { undelivered: 0, sampledOut: {} };

export function recordUndelivered(events: number): void {
  pending.undelivered += events;
}

export function recordSampledOut(type: string, count: number): void {
  countInto(pending.sampledOut, type, count);
}

/** Adds to a count keyed by event type. */
export function countInto(counts: Record<string, number>, type: string, count = 1): void {
  // defineProperty, because assigning a "__proto__" key would replace the prototype instead.
  Object.defineProperty(counts, type, { value: (Object.hasOwn(counts, type) ? counts[type]! : 0) + count, enumerable: true, writable: true, configurable: true });
}

/** Hands the pending report over; `restore` puts it back if the call carrying it failed. */
export function takePendingReport(): { report: PendingReport; restore: () => void } {
  const report = pending;
  pending = { undelivered: 0, sampledOut: {} };
  return {
    report,
    restore: () => {
      pending.undelivered += report.undelivered;
      for (const [type, count] of Object.entries(report.sampledOut)) recordSampledOut(type, count);
    },
  };
}
