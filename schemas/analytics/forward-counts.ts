import type { SelectionSkip } from "./data-point";
import type { LimitViolation } from "./limits";

/** Why the Analytics Engine sink left out a point it was given. */
export type EngineSkip = LimitViolation | "invocationLimit";

/**
 * Analytics forwarding as /stats shows it. `selected` events had a data point; `skipped` are
 * mapped events the tail worker did not turn into a point (mapping switched off, fields failing
 * their schema) and points that arrived malformed.
 * Each sink counts what it forwarded, left out (never past a limit) and failed to deliver.
 */
export interface ForwardCounts {
  selected: number;
  skipped: Record<SelectionSkip | "malformed", number>;
  engine: { forwarded: number; failed: number; skipped: Record<EngineSkip, number> };
  endpoint: { forwarded: number; failed: number; batches: number; retries: number };
  lastError: { at: number; message: string } | null;
}
