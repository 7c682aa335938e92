/**
 * One Analytics Engine data point as the tail worker builds it and the collector writes it
 * (`writeDataPoint({ blobs, doubles, indexes })`). Blob 1 is always the event's name, so every
 * dashboard query starts with `WHERE blob1 = '<event>'`.
 */
export interface DataPoint {
  blobs: string[];
  doubles: number[];
  /** Zero or one index: Analytics Engine samples per index value. */
  indexes: string[];
}

/** Why an event with a mapping was not turned into a data point by the tail worker. */
export type SelectionSkip = "disabled" | "invalid";

/**
 * What the tail worker decided about forwarding one event, carried to the collector on the
 * WireEvent: a data point to write, or the reason it chose not to (counted in /stats).
 */
export type ForwardDecision = { mapping: string; point: DataPoint } | { mapping: string; skipped: SelectionSkip };

/** Analytics Engine's limits (PLATFORM.md); the collector never writes past them. */
export const AE_LIMITS = {
  blobs: 20,
  doubles: 20,
  indexes: 1,
  indexBytes: 96,
  blobBytes: 16 * 1024,
  pointsPerInvocation: 250,
} as const;
