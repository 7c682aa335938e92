import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../schemas/config/config";
import { DEFAULT_IMPORTANCE_RULES } from "../schemas/config/importance-rules";
import { Importance } from "../schemas/importance";
import { classifyImportance } from "../tail-worker/classify/importance";
import type { ParsedEvent } from "../tail-worker/parse/parsed-event";
import { parseTraceItem } from "../tail-worker/parse/trace-item";
import { fetchEvent, log, T0, type TestTraceItem, traceItem } from "./helpers/trace-items";

// The default rule table (schemas/config/importance-rules.ts), exercised through real parsed
// TraceItems and the rules loadConfig hands to the tail worker.
const rules = loadConfig(env).importanceRules;
const { CRITICAL, HIGH, NORMAL, LOW } = Importance;

const NOW = T0 + 60_000;
const invocation = (overrides: Partial<TestTraceItem> = {}): ParsedEvent => parseTraceItem(traceItem(overrides), NOW).events[0]!;
const logged = (level: string, ...message: unknown[]): ParsedEvent =>
  parseTraceItem(traceItem({ logs: [log(level, ...message)] }), NOW).events[1]!;
const named = (name: string, level = "log", fields: Record<string, unknown> = {}): ParsedEvent =>
  logged(level, JSON.stringify({ _event: name, ...fields }));
const exception = (): ParsedEvent =>
  parseTraceItem(traceItem({ outcome: "exception", exceptions: [{ timestamp: T0, name: "TypeError", message: "x is undefined" }] }), NOW)
    .events[1]!;
const diagnostic = (message: unknown): ParsedEvent =>
  parseTraceItem(traceItem({ diagnosticsChannelEvents: [{ timestamp: T0, channel: "db", message }] }), NOW).events[1]!;

/** One case per default rule, keyed by the rule's `why`: an event that rule decides, and its level. */
const CASES: Record<string, { event: () => ParsedEvent; expected: Importance }[]> = {
  "uncaught exception": [{ event: exception, expected: CRITICAL }],
  "invocation did not end ok (exception, exceededCpu/Memory, scriptNotFound, unknown, newer platform outcomes)": [
    { event: () => invocation({ outcome: "exception" }), expected: CRITICAL },
    { event: () => invocation({ outcome: "exceededCpu" }), expected: CRITICAL },
    { event: () => invocation({ outcome: "exceededMemory" }), expected: CRITICAL },
    { event: () => invocation({ outcome: "scriptNotFound" }), expected: CRITICAL },
    { event: () => invocation({ outcome: "unknown" }), expected: CRITICAL },
    { event: () => invocation({ outcome: "loadShed" }), expected: CRITICAL },
  ],
  "money moved": [
    { event: () => named("Financial.Payment.completed", "log", { amount: 4200 }), expected: CRITICAL },
    // Before the "failed" and console.error rules: money events stay CRITICAL whatever else holds.
    { event: () => named("Financial.Transfer.failed", "error"), expected: CRITICAL },
  ],
  "logs were truncated (256 KB cap)": [{ event: () => invocation({ truncated: true }), expected: HIGH }],
  "5xx response (locally also an uncaught exception)": [
    { event: () => invocation({ event: fetchEvent("GET", "https://example.com/", 503) }), expected: HIGH },
    { event: () => invocation({ event: fetchEvent("GET", "https://example.com/", 500) }), expected: HIGH },
  ],
  "client disconnected (canceled, responseStreamDisconnected): lower than a failure": [
    { event: () => invocation({ outcome: "canceled" }), expected: NORMAL },
    { event: () => invocation({ outcome: "responseStreamDisconnected" }), expected: NORMAL },
  ],
  "event name ends in failed": [
    { event: () => named("AI.Generation.failed"), expected: HIGH },
    // Before the Connection rule, so a failing connection is not buried as LOW.
    { event: () => named("Connection.WebSocket.failed"), expected: HIGH },
    { event: () => named("payment_FAILED"), expected: HIGH },
  ],
  "event name starts with error_": [{ event: () => named("error_sync"), expected: HIGH }],
  "console.error": [
    { event: () => logged("error", "database unavailable"), expected: HIGH },
    { event: () => named("checkout_completed", "error"), expected: HIGH },
  ],
  "connection churn is high volume": [{ event: () => named("Connection.WebSocket.opened"), expected: LOW }],
  "routine invocation record": [
    { event: () => invocation(), expected: LOW },
    { event: () => invocation({ event: fetchEvent("GET", "https://example.com/missing", 404) }), expected: LOW },
  ],
  "named event": [
    { event: () => named("checkout_completed"), expected: NORMAL },
    { event: () => named("AI.Generation.completed", "debug"), expected: NORMAL },
    { event: () => diagnostic({ _event: "CDC.Event.emitted" }), expected: NORMAL },
  ],
  "console.warn": [{ event: () => logged("warn", "retrying inventory lookup"), expected: NORMAL }],
  "diagnostics-channel message": [{ event: () => diagnostic({ query: "SELECT 1" }), expected: NORMAL }],
  "plain console output": [
    { event: () => logged("log", "cache warmed in 4ms"), expected: LOW },
    { event: () => logged("info", "started"), expected: LOW },
    { event: () => logged("debug", { cacheHit: true }), expected: LOW },
    { event: () => logged("log"), expected: LOW },
    { event: () => logged("log", '{"broken json'), expected: LOW },
  ],
};

describe("default importance rules", () => {
  it("has a test case for every rule in the table", () => {
    expect(Object.keys(CASES).sort()).toEqual(DEFAULT_IMPORTANCE_RULES.map((rule) => rule.why).sort());
  });

  for (const rule of DEFAULT_IMPORTANCE_RULES) {
    it(`${rule.why} → ${rule.importance}`, () => {
      for (const { event, expected } of CASES[rule.why] ?? []) {
        const parsed = event();
        expect(classifyImportance(parsed, rules), `${parsed.type} ${JSON.stringify(parsed.data)}`).toBe(expected);
      }
    });
  }

  it("makes an event no rule matches NORMAL", () => {
    // A log at a level outside the table (console.table, for instance).
    expect(classifyImportance(logged("table", "rows"), rules)).toBe(NORMAL);
  });
});

describe("the producer's _importance", () => {
  it("overrides the table with a number", () => {
    expect(classifyImportance(named("Connection.WebSocket.opened", "log", { _importance: 0 }), rules)).toBe(CRITICAL);
    expect(classifyImportance(named("Financial.Payment.completed", "log", { _importance: 3 }), rules)).toBe(LOW);
    expect(classifyImportance(logged("error", { _importance: 2, detail: "expected" }), rules)).toBe(NORMAL);
    expect(classifyImportance(diagnostic({ _importance: 1 }), rules)).toBe(HIGH);
  });

  it("overrides the table with a level name, in any case", () => {
    expect(classifyImportance(named("checkout_completed", "log", { _importance: "critical" }), rules)).toBe(CRITICAL);
    expect(classifyImportance(named("checkout_completed", "log", { _importance: "HIGH" }), rules)).toBe(HIGH);
    expect(classifyImportance(named("AI.Generation.failed", "log", { _importance: "Low" }), rules)).toBe(LOW);
    expect(classifyImportance(named("Connection.WebSocket.opened", "log", { _importance: "normal" }), rules)).toBe(NORMAL);
  });

  it("is ignored when it is not 0-3 or a level name", () => {
    for (const value of [4, -1, 1.5, "urgent", null, true, { level: 0 }]) {
      expect(classifyImportance(named("AI.Generation.failed", "log", { _importance: value }), rules), JSON.stringify(value)).toBe(HIGH);
    }
  });
});

describe("IMPORTANCE_RULES", () => {
  it("adds rules that are tried before the defaults", () => {
    const custom = [{ when: { type: "Connection.*" }, importance: 1, why: "we debug connections this week" }];
    const configured = loadConfig({ ...env, IMPORTANCE_RULES: JSON.stringify(custom) }).importanceRules;
    expect(classifyImportance(named("Connection.WebSocket.opened"), configured)).toBe(HIGH);
    // Everything else still follows the defaults.
    expect(classifyImportance(named("checkout_completed"), configured)).toBe(NORMAL);
    expect(classifyImportance(exception(), configured)).toBe(CRITICAL);
  });
});
