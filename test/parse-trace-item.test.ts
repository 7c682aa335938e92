import { describe, expect, it } from "vitest";
import { parseTraceItem } from "../tail-worker/parse/trace-item";
import { fetchEvent, log, logAt, T0, traceItem } from "./helpers/trace-items";

// Every part of a TraceItem becomes an event; nothing a producer logged is dropped.
const NOW = T0 + 60_000;

/** The one log event of an item holding a single console call with these arguments. */
function parseLog(level: string, ...message: unknown[]) {
  const parsed = parseTraceItem(traceItem({ logs: [log(level, ...message)] }), NOW);
  expect(parsed.events).toHaveLength(2);
  return parsed.events[1]!;
}

/** The invocation event of an item. */
function invocationOf(overrides: Parameters<typeof traceItem>[0]) {
  return parseTraceItem(traceItem(overrides), NOW).events[0]!;
}

describe("parseTraceItem: console calls", () => {
  it("reads a JSON string argument as a named event with the producer's fields", () => {
    const line = JSON.stringify({ _event: "checkout_completed", orderId: "ord-1", durationMs: 182, items: 3 });
    const event = parseLog("log", line);
    expect(event).toMatchObject({ kind: "log", type: "checkout_completed", named: true, level: "log", timestamp: T0 + 1 });
    expect(event.data).toEqual({ _event: "checkout_completed", orderId: "ord-1", durationMs: 182, items: 3 });
    expect(event.text).toBeUndefined();
    expect(event.parseError).toBeUndefined();
  });

  it("reads an object argument as a named event", () => {
    const event = parseLog("info", { _event: "AI.Generation.completed", model: "llama-3", tokens: 1500, nested: { a: [1, 2] } });
    expect(event).toMatchObject({ kind: "log", type: "AI.Generation.completed", named: true, level: "info" });
    expect(event.data).toEqual({ _event: "AI.Generation.completed", model: "llama-3", tokens: 1500, nested: { a: [1, 2] } });
  });

  it("keeps an unnamed object argument as data of a console.<level> event", () => {
    const event = parseLog("debug", { cacheHit: true });
    expect(event).toMatchObject({ type: "console.debug", named: false, data: { cacheHit: true } });
  });

  it("reads mixed arguments: the object is the data, the rest is the text", () => {
    const event = parseLog("warn", "retrying inventory lookup", { attempt: 2 });
    expect(event).toMatchObject({
      type: "console.warn",
      named: false,
      level: "warn",
      text: "retrying inventory lookup",
      data: { attempt: 2 },
    });

    const named = parseLog("log", "user signed in", { _event: "user_signed_in", userId: "u-1" });
    expect(named).toMatchObject({
      type: "user_signed_in",
      named: true,
      text: "user signed in",
      data: { _event: "user_signed_in", userId: "u-1" },
    });
  });

  it("keeps plain text as a text event", () => {
    const event = parseLog("log", "cache warmed in 4ms");
    expect(event).toMatchObject({ kind: "log", type: "console.log", named: false, text: "cache warmed in 4ms", data: {} });
    expect(event.parseError).toBeUndefined();
  });

  it("renders several non-object arguments as console would print them", () => {
    const event = parseLog("log", "count", 3, true, null);
    expect(event).toMatchObject({ type: "console.log", named: false, text: "count 3 true null", data: {} });
  });

  it("keeps array arguments structured rather than flattening them into text", () => {
    const event = parseLog("log", "batch", [1, 2], ["a"]);
    expect(event).toMatchObject({ type: "console.log", text: "batch", data: { args: [[1, 2], ["a"]] } });
  });

  it("keeps an empty console call (message []) as an empty text event", () => {
    const event = parseLog("log");
    expect(event).toMatchObject({ kind: "log", type: "console.log", named: false, text: "", data: {} });
  });

  it("keeps broken JSON as text and says why", () => {
    const line = '{"_event": "broken json';
    const event = parseLog("log", line);
    expect(event).toMatchObject({ type: "console.log", named: false, text: line, data: {} });
    expect(event.parseError).toMatch(/^invalid JSON: /);
  });

  it("keeps JSON scalars as text", () => {
    for (const line of ["42", '"quoted"', "null", "true"]) {
      const event = parseLog("info", line);
      expect(event, line).toMatchObject({ type: "console.info", named: false, text: line, data: {} });
      expect(event.parseError, line).toBeUndefined();
    }
  });

  it("reads a JSON array line as data, like an array argument, so that redaction reaches inside it", () => {
    const line = JSON.stringify([{ user: "ada", password: "x" }, 2]);
    const event = parseLog("info", line);
    expect(event).toMatchObject({ type: "console.info", data: { args: [[{ user: "ada", password: "x" }, 2]] } });
    expect(event.text).toBeUndefined();
    expect(event.raw).toBeUndefined();
  });

  it("reads lenient JSON (single quotes, unquoted keys, trailing commas, comments) as data, and says so", () => {
    const event = parseLog("log", "{ _event: 'login', user: 'ada', /* why */ tags: ['a', 'b',], n: -1.5e2, ok: true, }");
    expect(event).toMatchObject({
      type: "login",
      named: true,
      data: { _event: "login", user: "ada", tags: ["a", "b"], n: -150, ok: true },
    });
    expect(event.parseError).toMatch(/not strict JSON.*read leniently/);
    expect(event.raw).toBeUndefined();
    expect(parseLog("log", "['a', {b: 1,},]").data).toEqual({ args: [["a", { b: 1 }]] });
  });

  it("does not use an empty or non-string _event as the type", () => {
    expect(parseLog("log", JSON.stringify({ _event: "", a: 1 }))).toMatchObject({
      type: "console.log",
      named: false,
      data: { _event: "", a: 1 },
    });
    expect(parseLog("log", { _event: 42 })).toMatchObject({ type: "console.log", named: false, data: { _event: 42 } });
  });

  it("keeps each console call's own level and timestamp", () => {
    const parsed = parseTraceItem(traceItem({ logs: [logAt(T0 + 5, "error", "boom"), logAt(T0 + 9, "warn", "hmm")] }), NOW);
    expect(parsed.events.slice(1).map((e) => [e.level, e.type, e.timestamp])).toEqual([
      ["error", "console.error", T0 + 5],
      ["warn", "console.warn", T0 + 9],
    ]);
  });
});

describe("parseTraceItem: exceptions and diagnostics", () => {
  it("turns each exceptions[] entry into an exception event", () => {
    const parsed = parseTraceItem(
      traceItem({
        outcome: "exception",
        exceptions: [
          {
            timestamp: T0 + 3,
            name: "TypeError",
            message: "Cannot read properties of undefined",
            stack: "TypeError: …\n    at handler (index.js:12:5)",
          },
          { timestamp: T0 + 4, name: "RangeError", message: "bad length" },
        ],
      }),
      NOW,
    );
    const exceptions = parsed.events.filter((e) => e.kind === "exception");
    expect(exceptions).toEqual([
      {
        type: "exception",
        kind: "exception",
        level: "error",
        timestamp: T0 + 3,
        named: false,
        data: { name: "TypeError", message: "Cannot read properties of undefined", stack: "TypeError: …\n    at handler (index.js:12:5)" },
      },
      {
        type: "exception",
        kind: "exception",
        level: "error",
        timestamp: T0 + 4,
        named: false,
        data: { name: "RangeError", message: "bad length", stack: null },
      },
    ]);
  });

  it("turns each diagnosticsChannelEvents[] entry into a diagnostic event", () => {
    const parsed = parseTraceItem(
      traceItem({
        diagnosticsChannelEvents: [
          { timestamp: T0 + 7, channel: "do-framework", message: { _event: "AI.Embedding.created", id: "emb-1", model: "bge" } },
          { timestamp: T0 + 8, channel: "undici:request", message: "plain value" },
        ],
      }),
      NOW,
    );
    const diagnostics = parsed.events.filter((e) => e.kind === "diagnostic");
    expect(diagnostics).toEqual([
      {
        type: "AI.Embedding.created",
        kind: "diagnostic",
        channel: "do-framework",
        timestamp: T0 + 7,
        named: true,
        data: { _event: "AI.Embedding.created", id: "emb-1", model: "bge" },
      },
      // An unnamed message is typed by its channel; a non-object message is wrapped, not dropped.
      {
        type: "undici:request",
        kind: "diagnostic",
        channel: "undici:request",
        timestamp: T0 + 8,
        named: false,
        data: { message: "plain value" },
      },
    ]);
  });

  it("orders events invocation, logs, exceptions, diagnostics (positions make ids stable)", () => {
    const parsed = parseTraceItem(
      traceItem({
        logs: [log("log", "a"), log("log", "b")],
        exceptions: [{ timestamp: T0, name: "Error", message: "x" }],
        diagnosticsChannelEvents: [{ timestamp: T0, channel: "c", message: {} }],
      }),
      NOW,
    );
    expect(parsed.events.map((e) => e.kind)).toEqual(["invocation", "log", "log", "exception", "diagnostic"]);
  });
});

describe("parseTraceItem: the invocation event", () => {
  it("adds exactly one invocation event per TraceItem, first", () => {
    const parsed = parseTraceItem(traceItem({ logs: [log("log", "a"), log("log", { b: 1 })] }), NOW);
    expect(parsed.events[0]!.kind).toBe("invocation");
    expect(parsed.events.filter((e) => e.kind === "invocation")).toHaveLength(1);
    expect(parseTraceItem(traceItem(), NOW).events).toHaveLength(1);
  });

  it("describes a fetch: method, URL and response status", () => {
    const data = invocationOf({ event: fetchEvent("POST", "https://shop.example/checkout?x=1", 201) }).data;
    expect(data).toMatchObject({ trigger: "fetch", method: "POST", url: "https://shop.example/checkout?x=1", status: 201 });
    expect(invocationOf({ event: fetchEvent("GET", "https://shop.example/", undefined) }).data).toMatchObject({
      trigger: "fetch",
      status: null,
    });
  });

  it("describes a scheduled (cron) trigger", () => {
    expect(invocationOf({ event: { cron: "*/5 * * * *", scheduledTime: T0 } }).data).toMatchObject({
      trigger: "scheduled",
      cron: "*/5 * * * *",
      scheduledTime: T0,
    });
  });

  it("describes a queue trigger", () => {
    expect(invocationOf({ event: { queue: "orders", batchSize: 12 } }).data).toMatchObject({
      trigger: "queue",
      queue: "orders",
      batchSize: 12,
    });
  });

  it("describes an RPC call", () => {
    expect(invocationOf({ event: { rpcMethod: "getState" } }).data).toMatchObject({ trigger: "rpc", rpcMethod: "getState" });
  });

  it("describes a Durable Object alarm", () => {
    expect(invocationOf({ event: { scheduledTime: T0 - 1000 } }).data).toMatchObject({ trigger: "alarm", scheduledTime: T0 - 1000 });
  });

  it("describes an email trigger", () => {
    expect(invocationOf({ event: { mailFrom: "a@example.com", rcptTo: "b@example.com", rawSize: 2048 } }).data).toMatchObject({
      trigger: "email",
      mailFrom: "a@example.com",
      rcptTo: "b@example.com",
      rawSize: 2048,
    });
  });

  it("describes a tail trigger by the number of consumed events", () => {
    expect(invocationOf({ event: { consumedEvents: [{ scriptName: "a" }, { scriptName: "b" }] } }).data).toMatchObject({
      trigger: "tail",
      consumedEvents: 2,
    });
  });

  it("describes a hibernatable WebSocket event", () => {
    expect(invocationOf({ event: { getWebSocketEvent: { webSocketEventType: "close", code: 1006, wasClean: false } } }).data).toMatchObject(
      {
        trigger: "websocket",
        webSocketEventType: "close",
        code: 1006,
        wasClean: false,
      },
    );
    expect(invocationOf({ event: { getWebSocketEvent: { webSocketEventType: "message" } } }).data).toMatchObject({
      trigger: "websocket",
      webSocketEventType: "message",
      code: null,
      wasClean: null,
    });
  });

  it("describes an item without an event as trigger none", () => {
    expect(invocationOf({ event: null }).data).toMatchObject({ trigger: "none" });
  });

  it("carries outcome, timings, script, version, entrypoint, counts and truncated", () => {
    const parsed = parseTraceItem(
      traceItem({
        scriptName: "billing-api",
        outcome: "exceededCpu",
        cpuTime: 51,
        wallTime: 230,
        truncated: true,
        executionModel: "durableObject",
        entrypoint: "BillingEntrypoint",
        scriptVersion: { id: "ver-42", tag: "v42", message: "fix rounding" },
        logs: [log("log", "a"), log("log", "b"), log("log", "c")],
        exceptions: [{ timestamp: T0, name: "Error", message: "x" }],
        diagnosticsChannelEvents: [{ timestamp: T0, channel: "c", message: {} }],
      }),
      NOW,
    );
    expect(parsed.script).toBe("billing-api");
    expect(parsed.events[0]).toMatchObject({ kind: "invocation", type: "invocation", timestamp: T0, named: false });
    expect(parsed.events[0]!.data).toMatchObject({
      outcome: "exceededCpu",
      cpuTime: 51,
      wallTime: 230,
      truncated: true,
      executionModel: "durableObject",
      entrypoint: "BillingEntrypoint",
      scriptVersion: { id: "ver-42", tag: "v42", message: "fix rounding" },
      logCount: 3,
      exceptionCount: 1,
      diagnosticsCount: 1,
    });
  });

  it("copies request headers and cf as plain data (what of them is archived is redaction's call)", () => {
    const cf = { colo: "AMS", country: "NL", botManagement: { score: 30 } };
    const headers = new Headers({ "user-agent": "vitest", "cf-ray": "8a1b2c3d4e5f6789-LHR" });
    const data = invocationOf({
      event: { request: { url: "https://example.com/", method: "GET", headers, cf }, response: { status: 200 } },
    }).data;
    expect(data.request).toEqual({ headers: { "user-agent": "vitest", "cf-ray": "8a1b2c3d4e5f6789-LHR" }, cf });
    expect((data.request as { cf: unknown }).cf).not.toBe(cf);
  });

  it("times the invocation by eventTimestamp, else the first log, else now", () => {
    expect(invocationOf({ eventTimestamp: T0 }).timestamp).toBe(T0);
    expect(invocationOf({ eventTimestamp: null, logs: [logAt(T0 + 500, "log", "x")] }).timestamp).toBe(T0 + 500);
    expect(invocationOf({ eventTimestamp: null }).timestamp).toBe(NOW);
  });

  it("never throws on a malformed item and still yields an invocation event", () => {
    for (const raw of [null, 42, "text", [], { logs: "nope", exceptions: {}, event: [] }, { logs: [null, 7, { message: "bare" }] }]) {
      const parsed = parseTraceItem(raw, NOW);
      expect(parsed.events[0]!.kind, JSON.stringify(raw)).toBe("invocation");
    }
    // Odd log entries are kept: a bare message becomes the text of a console.log event.
    const odd = parseTraceItem({ logs: [{ message: "bare" }] }, NOW);
    expect(odd.events[1]).toMatchObject({ type: "console.log", text: "bare" });
  });
});
