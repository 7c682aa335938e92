/** A value as a number for numeric aggregates: numbers as they are, booleans as 1/0, anything else none. */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "boolean") return value ? 1 : 0;
  return undefined;
}
