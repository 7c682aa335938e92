import { setOwn } from "./own-property";

/**
 * Counts keyed by event type, as in `invalidByType`. Only catalog names are validated, so the
 * keys are few; the cap still keeps a tally from growing without bound if that ever changes:
 * past MAX_TYPE_KEYS distinct keys, further types are counted under OTHER_TYPES.
 */
export const MAX_TYPE_KEYS = 200;
export const OTHER_TYPES = "(other)";

export function addCount(into: Record<string, number>, key: string, count: number): void {
  const bucket = Object.hasOwn(into, key) || Object.keys(into).length < MAX_TYPE_KEYS ? key : OTHER_TYPES;
  setOwn(into, bucket, (Object.hasOwn(into, bucket) ? (into[bucket] as number) : 0) + count);
}

export function addCounts(into: Record<string, number>, from: Record<string, number> | undefined): void {
  for (const [key, count] of Object.entries(from ?? {})) addCount(into, key, count);
}
