import { EventEnvelope } from "../event-envelope";

/**
 * Field paths of the filter language: dot paths into an archived event (schemas/event-envelope.ts).
 * A path whose first segment is an envelope field (`type`, `importance`, `timestamp`,
 * `data.durationMs`, …) starts at the envelope; any other bare name means a producer field,
 * `data.<name>` (so `capsuleId` is `data.capsuleId`). `*` names the whole event, as JSON text: only
 * `contains` takes it (a free-text search).
 */
export const ENVELOPE_FIELDS: ReadonlySet<string> = new Set(Object.keys(EventEnvelope.entries));

export const WHOLE_EVENT = "*";

/** A compiled path: its segments from the envelope, and a reader. */
export interface FieldPath {
  /** As given; rows name group fields this way. */
  name: string;
  segments: readonly string[];
  read(event: unknown): unknown;
}

export function fieldPath(name: string): FieldPath {
  if (name === WHOLE_EVENT) return { name, segments: [], read: (event) => JSON.stringify(event) };
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

/** The path from the envelope, joined: `capsuleId` and `data.capsuleId` both give `data.capsuleId`. */
export function canonicalPath(name: string): string {
  return fieldPath(name).segments.join(".");
}

/** The last segment of a path: default aggregate names are `${fn}_${lastSegment}`. */
export function lastSegment(name: string): string {
  const parts = name.split(".");
  return parts[parts.length - 1]!;
}
