import { type BackoffPolicy, backoffDelayMs } from "./backoff";
import { sleep } from "./sleep";

export { type BackoffPolicy, backoffDelayMs };

export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
}

/** A failed attempt may say how long the other side asked to wait (an HTTP Retry-After). */
export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; error: string; retryable?: boolean; retryAfterMs?: number };

export type RetryOutcome<T> = AttemptOutcome<T> & { attempts: number };

/**
 * Runs `attempt` until it succeeds, answers a final failure (`retryable: false`) or the attempts
 * run out, sleeping a jittered backoff between tries. Never throws for a failed attempt.
 */
export async function retry<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<AttemptOutcome<T>>,
  onRetry?: (failure: { error: string; attempt: number }) => void,
): Promise<RetryOutcome<T>> {
  let n = 1;
  for (; ; n++) {
    const outcome = await attempt(n);
    if (outcome.ok || outcome.retryable === false || n >= policy.attempts) return { ...outcome, attempts: n };
    onRetry?.({ error: outcome.error, attempt: n });
    await sleep(retryDelayMs(n, policy, outcome.retryAfterMs));
  }
}

/**
 * The wait before retry `retry`: the jittered backoff, or longer when the other side asked for a
 * longer wait, up to the policy's longest delay (a receiver cannot stall its sender for hours).
 */
export function retryDelayMs(retry: number, policy: BackoffPolicy, retryAfterMs?: number): number {
  const backoff = backoffDelayMs(retry, policy);
  return retryAfterMs === undefined ? backoff : Math.max(backoff, Math.min(retryAfterMs, policy.maxDelayMs));
}
