import { AE_LIMITS } from "../../schemas/analytics/data-point";
import type { ForwardCounts } from "../../schemas/analytics/forward-counts";
import { limitViolation } from "../../schemas/analytics/limits";
import { errorMessage } from "../../schemas/lib/error-message";
import { recordForwardError } from "./forward-counts";
import type { AnalyticsSink, ForwardItem } from "./sink";

/**
 * Writes data points to an Analytics Engine dataset. `writeDataPoint` only queues the point (it
 * is sent after the invocation), so this is synchronous. Limits are enforced here, where the
 * write happens: a point over a per-point limit is left out whole, and past 250 points in one
 * invocation (one ingest call) the rest are left out; both are counted by reason.
 */
export class AnalyticsEngineSink implements AnalyticsSink {
  constructor(private readonly dataset: AnalyticsEngineDataset) {}

  send(items: readonly ForwardItem[], counts: ForwardCounts): void {
    const engine = counts.engine;
    let attempted = 0;
    for (const item of items) {
      const violation = limitViolation(item.point);
      if (violation !== undefined) {
        engine.skipped[violation]++;
        continue;
      }
      if (attempted >= AE_LIMITS.pointsPerInvocation) {
        engine.skipped.invocationLimit++;
        continue;
      }
      attempted++;
      try {
        this.dataset.writeDataPoint({ blobs: item.point.blobs, doubles: item.point.doubles, indexes: item.point.indexes });
        engine.forwarded++;
      } catch (error) {
        engine.failed++;
        recordForwardError(counts, `Analytics Engine: ${errorMessage(error)}`);
      }
    }
  }
}
