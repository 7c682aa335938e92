import * as v from "valibot";

/**
 * The archived event: what every element of an R2 archive object looks like.
 * `data` holds the producer's own fields exactly as they were logged.
 */
export const EventKind = v.picklist(["invocation", "log", "exception", "diagnostic"]);
export type EventKind = v.InferOutput<typeof EventKind>;

/** What a catalog schema found wrong with an event: at most a few issues, each with its field path. */
export const ValidationMark = v.object({
  schema: v.string(),
  issues: v.array(v.object({ path: v.string(), message: v.string() })),
});
export type ValidationMark = v.InferOutput<typeof ValidationMark>;

/**
 * How deep `data` nests at most (`data` itself is level 1), so that every strict reader reads every
 * archived event: serde_json stops at 128 levels, Python's json and ClickHouse at about 1,000, and
 * one event past a reader's limit can fail its whole object. Deeper log lines are archived as
 * text; deeper console arguments are cut, with a marker.
 */
export const MAX_DATA_DEPTH = 100;

export const EventEnvelope = v.object({
  /** `<invocationId>-<position>`; the invocation id is random per TraceItem and delivery, reused by retries. */
  id: v.string(),
  invocationId: v.string(),
  /** `_event` when the producer named it, otherwise derived from the kind (e.g. `console.log`). */
  type: v.string(),
  kind: EventKind,
  importance: v.picklist([0, 1, 2, 3]),
  /** Milliseconds since the epoch, from the runtime's timestamp of the log/exception/invocation. */
  timestamp: v.number(),
  script: v.nullable(v.string()),
  /** DO-framework namespace such as `AI` or `DO.Lifecycle`, null when the type has none. */
  namespace: v.nullable(v.string()),
  /** console level for logs (log, info, debug, warn, error). */
  level: v.optional(v.string()),
  /** The diagnostics channel a `diagnostic` event was published on (e.g. `do-framework`). */
  channel: v.optional(v.string()),
  /** Set when the log was not a JSON object: the original text (secret query parameters redacted), kept rather than dropped. */
  text: v.optional(v.string()),
  /** Why the log was kept as text (e.g. broken JSON), read leniently, or which of its values could not be read. */
  parseError: v.optional(v.string()),
  /** Present when the event was shortened to fit the size limit. */
  truncated: v.optional(v.object({ originalBytes: v.number(), maxBytes: v.number() })),
  /** Present when the event's name is in the catalog and its fields fail that schema; it is archived anyway. */
  validation: v.optional(ValidationMark),
  /** How many events this one stands for (the producer's head sampling times tail sampling); absent in old archives: 1. */
  sampleRate: v.optional(v.pipe(v.number(), v.minValue(1))),
  data: v.record(v.string(), v.unknown()),
});

export type EventEnvelope = v.InferOutput<typeof EventEnvelope>;

/** How many events an archived event stands for: its `sampleRate` (set by sampling), 1 when absent or unusable. */
export function weightOf(event: unknown): number {
  const rate = (event as { sampleRate?: unknown } | null)?.sampleRate;
  return typeof rate === "number" && Number.isFinite(rate) && rate > 0 ? rate : 1;
}
