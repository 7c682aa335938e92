import { log, traceItem } from "./trace-items";

/**
 * TraceItems no producer should send but some will: broken, huge, deep, cyclic, prototype-
 * polluting, or not TraceItems at all. Built fresh on every call (some carry cycles and BigInts).
 */
export function hostileCorpus(): { name: string; item: unknown }[] {
  const corpus: { name: string; item: unknown }[] = [];
  const add = (name: string, item: unknown) => corpus.push({ name, item });
  const withLogs = (...message: unknown[]) => traceItem({ logs: [log("log", ...message)] });

  const deep = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
  add("JSON nested 10,000 levels", withLogs(deep(10_000)));
  add("array nested 10,000 levels", withLogs("[".repeat(10_000) + "]".repeat(10_000)));
  add("object nested 10,000 levels", withLogs(JSON.parse(deep(10_000))));
  add("named JSON nested 10,000 levels", withLogs(`{"_event":"deep","x":${deep(10_000)}}`));
  for (const mb of [1, 2, 4]) {
    add(`${mb} MB plain string`, withLogs("x".repeat(mb * 1024 * 1024)));
    add(`${mb} MB JSON field`, withLogs(JSON.stringify({ _event: "big", blob: "y".repeat(mb * 1024 * 1024) })));
  }
  add("array of 100,000 items as JSON", withLogs(JSON.stringify({ _event: "many", items: Array.from({ length: 100_000 }, (_, i) => i) })));
  add("array of 100,000 items as argument", withLogs({ items: Array.from({ length: 100_000 }, (_, i) => ({ i })) }));
  add("__proto__ key in JSON", withLogs('{"_event":"proto","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'));
  add("__proto__ key in argument", withLogs(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')));
  add(
    "__proto__ in request.cf",
    traceItem({ event: { request: { url: "https://x", method: "GET", headers: {}, cf: JSON.parse('{"__proto__":{"polluted":true}}') } } }),
  );
  add("lone surrogates", withLogs(JSON.stringify({ _event: "surrogate\ud800", text: "a\udc00b", "k\ud83d": 1 })));
  add("lone surrogate text", withLogs("bad \ud800 text"));
  for (const json of [
    "42",
    "[1,2,3]",
    '"a string"',
    "null",
    "true",
    "-0",
    "1e400",
    "{}",
    "[]",
    '{"_event":}',
    "{",
    "}{",
    '{"a":1}{"b":2}',
  ]) {
    add(`JSON ${json}`, withLogs(json));
  }
  for (const name of [
    42,
    null,
    true,
    { nested: 1 },
    ["a"],
    "",
    "   ",
    "x".repeat(5_000),
    "a.b.c.d.e.f",
    "Financial.",
    ".",
    "__proto__",
    "constructor",
  ]) {
    add(`_event ${JSON.stringify(name).slice(0, 20)}`, withLogs(JSON.stringify({ _event: name, v: 1 })));
  }
  for (const value of [99, -1, "SUPER", null, "0", 1.5, "critical"]) {
    add(`_importance ${JSON.stringify(value)}`, withLogs(JSON.stringify({ _event: "imp", _importance: value })));
  }
  const cyclic: Record<string, unknown> = { name: "cycle" };
  cyclic.self = cyclic;
  const unserialisable: [string, unknown][] = [
    ["BigInt", 10n],
    ["object with BigInt", { big: 10n }],
    ["function", () => 1],
    ["symbol", Symbol("s")],
    ["cyclic object", cyclic],
    ["Map", new Map([[1, 2]])],
    ["Date", new Date(0)],
    ["Error", new Error("boom")],
    ["typed array", new Uint8Array(4)],
    ["undefined", undefined],
    ["NaN", Number.NaN],
  ];
  for (const [name, value] of unserialisable) {
    add(`argument ${name}`, withLogs(value));
    add(`mixed argument ${name}`, withLogs("text", value, { k: value }));
  }
  add("10,000 logs", traceItem({ logs: Array.from({ length: 10_000 }, (_, i) => log("log", JSON.stringify({ _event: "bulk", i }))) }));
  add("truncated", traceItem({ truncated: true, logs: [log("log", "cut")] }));
  for (const outcome of ["weird", "killSwitch", "daemonDown", "loadShed", 42, null, ""])
    add(`outcome ${String(outcome)}`, traceItem({ outcome: outcome as string }));
  for (const event of [
    { unknownKind: true },
    "a string",
    42,
    [],
    { request: null },
    { request: { url: 42 } },
    { getWebSocketEvent: null },
    { rpcMethod: {} },
  ]) {
    add(`event ${JSON.stringify(event)}`, traceItem({ event: event as Record<string, unknown> }));
  }
  for (const [i, item] of [null, undefined, 42, "trace", [], true, {}, Object.create(null)].entries()) add(`not a TraceItem ${i}`, item);

  // Every field of a valid TraceItem replaced by every kind of wrong value.
  const wrongValues: unknown[] = [
    null,
    undefined,
    42,
    -1,
    Number.NaN,
    1e308,
    "string",
    "\ud800",
    true,
    [],
    [null],
    {},
    { __proto__: null },
  ];
  const fields = [
    "scriptName",
    "eventTimestamp",
    "event",
    "logs",
    "exceptions",
    "diagnosticsChannelEvents",
    "outcome",
    "truncated",
    "cpuTime",
    "wallTime",
    "executionModel",
    "scriptVersion",
    "entrypoint",
  ];
  for (const field of fields) {
    for (const [i, value] of wrongValues.entries())
      add(`${field} = wrong value ${i}`, { ...traceItem({ logs: [log("log", "ok")] }), [field]: value });
  }
  for (const entry of [
    null,
    42,
    "x",
    {},
    { level: 5, message: "not an array", timestamp: "now" },
    { message: [null] },
    { timestamp: Number.NaN, level: "log", message: ["a"] },
  ]) {
    add(`log entry ${JSON.stringify(entry)}`, traceItem({ logs: [entry as never] }));
    add(`exception entry ${JSON.stringify(entry)}`, traceItem({ exceptions: [entry as never] }));
    add(`diagnostics entry ${JSON.stringify(entry)}`, traceItem({ diagnosticsChannelEvents: [entry as never] }));
  }
  return corpus;
}

/** How many events an item must yield, counted independently of the parser: one per part. */
export function expectedEventCount(item: unknown): number {
  if (item === null || typeof item !== "object" || Array.isArray(item)) return 1;
  const record = item as Record<string, unknown>;
  const count = (value: unknown) => (Array.isArray(value) ? value.length : 0);
  return 1 + count(record.logs) + count(record.exceptions) + count(record.diagnosticsChannelEvents);
}
