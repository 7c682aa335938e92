import * as v from "valibot";
import { EventKind } from "../event-envelope";

/**
 * The importance rule table. Rules are tried in order and the first match wins; an event that
 * matches none is NORMAL. A producer's own `_importance` field is honoured before any rule.
 * Every condition present in `when` must hold (an empty `when` matches everything).
 */
export const ImportanceRuleSchema = v.object({
  when: v.object({
    kind: v.optional(v.array(EventKind)),
    /** Glob on the event type, `*` matching any run of characters, case-insensitive. */
    type: v.optional(v.pipe(v.string(), v.minLength(1))),
    level: v.optional(v.array(v.string())),
    outcome: v.optional(v.array(v.string())),
    outcomeNot: v.optional(v.array(v.string())),
    minStatus: v.optional(v.pipe(v.number(), v.integer())),
    truncated: v.optional(v.boolean()),
    /** true: the producer named the event with `_event`; false: it did not. */
    named: v.optional(v.boolean()),
  }),
  importance: v.picklist([0, 1, 2, 3]),
  why: v.string(),
});

export type ImportanceRule = v.InferOutput<typeof ImportanceRuleSchema>;

/** Client disconnects are the client's doing, not a failure of the worker. */
const CLIENT_DISCONNECTS = ["canceled", "responseStreamDisconnected"];

export const DEFAULT_IMPORTANCE_RULES: readonly ImportanceRule[] = [
  { when: { kind: ["exception"] }, importance: 0, why: "uncaught exception" },
  {
    when: { kind: ["invocation"], outcomeNot: ["ok", ...CLIENT_DISCONNECTS] },
    importance: 0,
    why: "invocation did not end ok (exception, exceededCpu/Memory, scriptNotFound, unknown, newer platform outcomes)",
  },
  { when: { type: "Financial.*" }, importance: 0, why: "money moved" },
  { when: { kind: ["invocation"], truncated: true }, importance: 1, why: "logs were truncated (256 KB cap)" },
  { when: { kind: ["invocation"], minStatus: 500 }, importance: 1, why: "5xx response (locally also an uncaught exception)" },
  {
    when: { kind: ["invocation"], outcome: CLIENT_DISCONNECTS },
    importance: 2,
    why: "client disconnected (canceled, responseStreamDisconnected): lower than a failure",
  },
  { when: { type: "*failed" }, importance: 1, why: "event name ends in failed" },
  { when: { type: "error_*" }, importance: 1, why: "event name starts with error_" },
  { when: { level: ["error"] }, importance: 1, why: "console.error" },
  { when: { type: "Connection.*" }, importance: 3, why: "connection churn is high volume" },
  { when: { kind: ["invocation"] }, importance: 3, why: "routine invocation record" },
  { when: { named: true }, importance: 2, why: "named event" },
  { when: { level: ["warn"] }, importance: 2, why: "console.warn" },
  { when: { kind: ["diagnostic"] }, importance: 2, why: "diagnostics-channel message" },
  { when: { level: ["log", "info", "debug", "trace"] }, importance: 3, why: "plain console output" },
];
