import * as v from "valibot";
import type { Importance } from "../importance";

export interface BufferThreshold {
  /** Events buffered before the importance is flushed. */
  events: number;
  /** Bytes (UTF-8 JSON) buffered before the importance is flushed. */
  bytes: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_THRESHOLDS: Readonly<Record<Importance, BufferThreshold>> = {
  0: { events: 10, bytes: 1 * MiB },
  1: { events: 100, bytes: 10 * MiB },
  2: { events: 1_000, bytes: 50 * MiB },
  3: { events: 5_000, bytes: 100 * MiB },
};

/** Upper bounds of a threshold: past them an importance would in effect flush only on the interval. */
export const MAX_THRESHOLD_EVENTS = 1_000_000;
export const MAX_THRESHOLD_BYTES = 1 * GiB;

const bounded = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(max, `must be at most ${max}`));

/** One importance's override; `rows` is the old name of `events`, still accepted. */
const thresholdOverride = v.pipe(
  v.strictObject({
    events: v.optional(bounded(MAX_THRESHOLD_EVENTS)),
    rows: v.optional(bounded(MAX_THRESHOLD_EVENTS)),
    bytes: v.optional(bounded(MAX_THRESHOLD_BYTES)),
  }),
  v.check((o) => o.events === undefined || o.rows === undefined, 'give "events" or its old name "rows", not both'),
  v.transform(({ events, rows, bytes }): Partial<BufferThreshold> => {
    const count = events ?? rows;
    return { ...(count === undefined ? {} : { events: count }), ...(bytes === undefined ? {} : { bytes }) };
  }),
);

/** Partial override, e.g. `{"3":{"events":2000}}`. */
export const ThresholdOverrideSchema = v.strictObject({
  "0": v.optional(thresholdOverride),
  "1": v.optional(thresholdOverride),
  "2": v.optional(thresholdOverride),
  "3": v.optional(thresholdOverride),
});

/**
 * Most bytes an importance may hold buffered, for when R2 is down for long. LOW and NORMAL events
 * past their cap are shed; CRITICAL and HIGH past theirs are still stored, and buffered LOW then
 * NORMAL events are shed to make room. Together they stay below a Durable Object's 10 GB.
 */
export const DEFAULT_BUFFER_CAPS: Readonly<Record<Importance, number>> = {
  0: 1 * GiB,
  1: 2 * GiB,
  2: 2 * GiB,
  3: 1 * GiB,
};

/** One cap at most, and all four together at most: room is left for flushed rows and state in 10 GB. */
export const MAX_BUFFER_CAP = 4 * GiB;
export const MAX_BUFFER_CAPS_TOTAL = 8 * GiB;

const cap = bounded(MAX_BUFFER_CAP);

/** Partial override in bytes, e.g. `{"3":536870912}`. */
export const BufferCapOverrideSchema = v.strictObject({
  "0": v.optional(cap),
  "1": v.optional(cap),
  "2": v.optional(cap),
  "3": v.optional(cap),
});
