import * as v from "valibot";
import type { Importance } from "../importance";

export interface BufferThreshold {
  /** Events buffered before the importance is flushed. */
  rows: number;
  /** Bytes (UTF-8 JSON) buffered before the importance is flushed. */
  bytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_THRESHOLDS: Readonly<Record<Importance, BufferThreshold>> = {
  0: { rows: 10, bytes: 1 * MiB },
  1: { rows: 100, bytes: 10 * MiB },
  2: { rows: 1_000, bytes: 50 * MiB },
  3: { rows: 5_000, bytes: 100 * MiB },
};

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1));

/** Partial override, e.g. `{"3":{"rows":2000}}`. */
export const ThresholdOverrideSchema = v.strictObject({
  "0": v.optional(v.partial(v.strictObject({ rows: positiveInt, bytes: positiveInt }))),
  "1": v.optional(v.partial(v.strictObject({ rows: positiveInt, bytes: positiveInt }))),
  "2": v.optional(v.partial(v.strictObject({ rows: positiveInt, bytes: positiveInt }))),
  "3": v.optional(v.partial(v.strictObject({ rows: positiveInt, bytes: positiveInt }))),
});

const GiB = 1024 * MiB;

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

/** Partial override in bytes, e.g. `{"3":536870912}`. */
export const BufferCapOverrideSchema = v.strictObject({
  "0": v.optional(positiveInt),
  "1": v.optional(positiveInt),
  "2": v.optional(positiveInt),
  "3": v.optional(positiveInt),
});
