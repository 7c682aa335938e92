import { type BackoffPolicy, backoffDelayMs } from "./backoff";
import { sleep } from "./sleep";

export { type BackoffPolicy, backoffDelayMs };

export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
}

export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; error: string; retryable?: boolean };

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
    await sleep(backoffDelayMs(n, policy));
  }
}
