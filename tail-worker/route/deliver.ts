import type { Env } from "../../schemas/config/env";
import type { IngestResult, WireEvent } from "../../schemas/ingest-batch";
import { errorMessage } from "../../schemas/lib/error-message";
import { sleep } from "../../schemas/lib/sleep";
import { collectorShard } from "./collector-stub";
import { recordUndelivered, takePendingReport } from "./pending-report";

export interface DeliveryPolicy {
  /** Attempts per batch, the first included. */
  attempts: number;
  /** Delay before the first retry; doubled for each further one. */
  baseDelayMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { attempts: 5, baseDelayMs: 100 };

export type DeliveryOutcome = { ok: true; result: IngestResult } | { ok: false; error: string; attempts: number };

/**
 * Sends one batch to the collector, retrying failures and overload with exponential backoff.
 * Retrying is safe because the collector deduplicates on event ids. Never throws.
 */
export async function deliverBatch(
  env: Env,
  events: WireEvent[],
  shard: number,
  policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
): Promise<DeliveryOutcome> {
  let lastError = "";
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    const { report, restore } = takePendingReport();
    try {
      // A fresh stub per attempt: a stub that saw an exception may be broken for good.
      const result = await collectorShard(env, shard).ingest({ events, ...report });
      return { ok: true, result };
    } catch (error) {
      restore();
      lastError = errorMessage(error);
      if (attempt < policy.attempts) await sleep(policy.baseDelayMs * 2 ** (attempt - 1));
    }
  }
  recordUndelivered(events.length);
  return { ok: false, error: lastError, attempts: policy.attempts };
}
