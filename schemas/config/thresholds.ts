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
