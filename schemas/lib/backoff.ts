/**
 * The backoff delay, alone in a file without imports so that Node scripts (scripts/*.mjs, Node 22
 * strips the types) can import it as well as the Worker: one backoff for the whole project.
 */
export interface BackoffPolicy {
  /** The cap of the first retry's delay; doubled for each further one. */
  baseDelayMs: number;
  /** No delay is drawn above this. */
  maxDelayMs: number;
  /** No delay is drawn below this (0: full jitter down to an immediate retry). */
  minDelayMs?: number;
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
