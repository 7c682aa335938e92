import { sleep } from "./sleep";

export interface BackoffPolicy {
  /** The cap of the first retry's delay; doubled for each further one. */
  baseDelayMs: number;
  /** No delay is drawn above this. */
  maxDelayMs: number;
  /** No delay is drawn below this (0: full jitter down to an immediate retry). */
  minDelayMs?: number;
}

export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
}

/**
 * Full jitter: a uniform draw in [min, min(max, base · 2^(retry-1))]. Isolates that failed against
 * the same overloaded object at the same moment then retry spread out, not in lockstep.
 */
export function backoffDelayMs(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const floor = Math.min(policy.minDelayMs ?? 0, ceiling);
  return Math.round(floor + random() * (ceiling - floor));
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
