import { addCount } from "../../schemas/lib/bounded-counts";
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
  addCount(pending.sampledOut, type, count);
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
