/**
 * Field paths of queries: dot paths into the archived event. A path whose first segment is an
 * envelope field (`type`, `importance`, `timestamp`, `data.durationMs`, …) starts at the envelope;
 * any other bare name means a producer field, `data.<name>` (so `capsuleId` is `data.capsuleId`).
 */
export const ENVELOPE_FIELDS: ReadonlySet<string> = new Set([
  "id",
  "invocationId",
  "type",
  "kind",
  "importance",
  "timestamp",
  "script",
  "namespace",
  "level",
  "channel",
  "text",
  "parseError",
  "truncated",
  "validation",
  "data",
  "sampleRate",
]);

/** A compiled path: its segments from the envelope, and a reader. */
export interface FieldPath {
  /** As the query gave it; rows name group fields this way. */
  name: string;
  segments: readonly string[];
  read(event: unknown): unknown;
}

export function fieldPath(name: string): FieldPath {
  const given = name.split(".");
  const segments = ENVELOPE_FIELDS.has(given[0]!) ? given : ["data", ...given];
  return {
    name,
    segments,
    read(event) {
      let value: unknown = event;
      for (const segment of segments) {
        if (value === null || typeof value !== "object") return undefined;
        value = Object.hasOwn(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
      }
      return value;
    },
  };
}

/** The last segment of a path: default aggregate names are `${fn}_${lastSegment}`. */
export function lastSegment(name: string): string {
  const parts = name.split(".");
  return parts[parts.length - 1]!;
}

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
