/** Narrowing helpers for TraceItem fields, which may be null, missing or of the wrong type. */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A usable event time: the given timestamp when it is a finite number, else the fallback. */
export function timeOr(value: unknown, fallback: number): number {
  return asNumber(value) ?? fallback;
}
