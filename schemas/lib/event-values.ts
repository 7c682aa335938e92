/** How many events an event stands for: its `sampleRate` (set by sampling), 1 when absent or unusable. */
export function weightOf(event: unknown): number {
  const rate = (event as { sampleRate?: unknown } | null)?.sampleRate;
  return typeof rate === "number" && Number.isFinite(rate) && rate > 0 ? rate : 1;
}

/** A value as a number for numeric aggregates: numbers as they are, booleans as 1/0, anything else none. */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "boolean") return value ? 1 : 0;
  return undefined;
}
