import * as v from "valibot";

/**
 * Tail sampling, decided after an event is complete. CRITICAL and HIGH events are always kept, and
 * so are slow events (a duration at or above the type's threshold) and anomalies (any predicate
 * matches). Every other event is kept with the probability of its type's rate, and a kept event
 * carries `sampleRate`: how many events it stands for. The default keeps everything (rate 1).
 */
const Rate = v.pipe(v.number(), v.minValue(0, "rates are between 0 and 1"), v.maxValue(1, "rates are between 0 and 1"));

/**
 * A condition of the filter language (schemas/filter/) on `data.<field>`, for events whose type
 * matches `type`; `ne` also needs the field present.
 */
export const AnomalyPredicateSchema = v.object({
  /** Event type the predicate applies to: a glob (`ws_*`), "*" for every type. */
  type: v.pipe(v.string(), v.minLength(1)),
  /** Field of the event's data, dot path allowed (e.g. "hashMismatchCount"). */
  field: v.pipe(v.string(), v.minLength(1)),
  op: v.picklist(["gt", "gte", "lt", "lte", "eq", "ne", "exists"]),
  value: v.optional(v.union([v.number(), v.string(), v.boolean()])),
});

export const SamplingSchema = v.strictObject({
  /** Rate of every type not listed in `rates`. */
  defaultRate: v.optional(Rate, 1),
  /** Per event type, e.g. {"console.log": 0.05, "invocation": 0.2}. */
  rates: v.optional(v.record(v.string(), Rate), {}),
  /** Per event type, in ms, compared with data.durationMs, data.duration or the invocation's wallTime; "*" for all. */
  slowMs: v.optional(v.record(v.string(), v.pipe(v.number(), v.minValue(0))), {}),
  anomalies: v.optional(v.array(AnomalyPredicateSchema), [
    { type: "*", field: "hashMismatchCount", op: "gt", value: 0 },
    { type: "ws_session_end", field: "disconnectReason", op: "ne", value: "normal_close" },
  ]),
});

export type SamplingConfig = v.InferOutput<typeof SamplingSchema>;
export type AnomalyPredicate = v.InferOutput<typeof AnomalyPredicateSchema>;
