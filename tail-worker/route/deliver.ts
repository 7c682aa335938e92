import type { IngestResult, WireEvent } from "../../schemas/collector-rpc";
import { collectorShard } from "../../schemas/collector-shards";
import type { Env } from "../../schemas/config/env";
import { errorMessage } from "../../schemas/lib/error-message";
import { type RetryPolicy, retry } from "../../schemas/lib/retry";
import { recordUndelivered, takePendingReport } from "./pending-report";

export type DeliveryPolicy = RetryPolicy;

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 2_000 };

export type DeliveryOutcome = { ok: true; result: IngestResult } | { ok: false; error: string; attempts: number };

/**
 * Sends one batch to the collector, retrying failures and overload with jittered backoff.
 * Retrying is safe because the collector deduplicates on event ids, and counts the report a batch
 * carries only with events it had not stored: every attempt carries the same report, taken once,
 * and it is owed again only when every attempt failed. Never throws.
 */
export async function deliverBatch(
  env: Env,
  events: WireEvent[],
  shard: number,
  policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
): Promise<DeliveryOutcome> {
  const { report, restore } = takePendingReport();
  const outcome = await retry<IngestResult>(policy, async () => {
    try {
      // A fresh stub per attempt: a stub that saw an exception may be broken for good.
      return { ok: true, value: await collectorShard(env, shard).ingest({ events, ...report }) };
    } catch (error) {
      return { ok: false, error: errorMessage(error) };
    }
  });
  if (outcome.ok) return { ok: true, result: outcome.value };
  restore();
  recordUndelivered(events.length);
  return { ok: false, error: outcome.error, attempts: outcome.attempts };
}
