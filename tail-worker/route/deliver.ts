import type { Env } from "../../schemas/config/env";
import type { IngestResult, WireEvent } from "../../schemas/ingest-batch";
import { errorMessage } from "../parse/format-args";
import { collectorStub } from "./collector-stub";

export interface DeliveryPolicy {
  /** Attempts per batch, the first included. */
  attempts: number;
  /** Delay before the first retry; doubled for each further one. */
  baseDelayMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { attempts: 5, baseDelayMs: 100 };

/** Undelivered events not yet reported to the collector; per isolate, reset once reported. */
let unreportedUndelivered = 0;

export type DeliveryOutcome = { ok: true; result: IngestResult } | { ok: false; error: string; attempts: number };

/**
 * Sends one batch to the collector, retrying failures and overload with exponential backoff.
 * Retrying is safe because the collector deduplicates on event ids. Never throws.
 */
export async function deliverBatch(env: Env, events: WireEvent[], policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY): Promise<DeliveryOutcome> {
  let lastError = "";
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      // A fresh stub per attempt: a stub that saw an exception may be broken for good.
      const undelivered = unreportedUndelivered;
      const result = await collectorStub(env).ingest({ events, undelivered });
      unreportedUndelivered -= undelivered;
      return { ok: true, result };
    } catch (error) {
      lastError = errorMessage(error);
      if (attempt < policy.attempts) await sleep(policy.baseDelayMs * 2 ** (attempt - 1));
    }
  }
  unreportedUndelivered += events.length;
  return { ok: false, error: lastError, attempts: policy.attempts };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
