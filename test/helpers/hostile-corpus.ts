import { addPatternTraps } from "./hostile-pattern-traps";
import { fetchEvent, log, traceItem } from "./trace-items";

/** A secret planted in hostile items: it must never reach the archive, whatever else breaks. */
export const PLANTED_SECRET = "hostile-planted-secret-7f3a";

export interface HostileCase {
  name: string;
  item: unknown;
  /** Events the item must yield, where counting its parts would trip on the item itself. */
  events?: number;
}

/**
 * TraceItems no producer should send but some will: broken, huge, deep, cyclic, prototype-
 * polluting, odd values in every place a value can be (getters that throw, Proxies, toString that
 * is not a function, BigInts, Symbols), or not TraceItems at all. Built fresh on every call.
 */
export function hostileCorpus(): HostileCase[] {
  const corpus: HostileCase[] = [];
  const add = (name: string, item: unknown, events?: number) => corpus.push({ name, item, ...(events === undefined ? {} : { events }) });
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
  addPatternTraps(add, withLogs);
  add(
    "8,000 keys that are credentials",
    withLogs(JSON.stringify(Object.fromEntries(Array.from({ length: 8_000 }, (_, i) => [`sk_live_${"x".repeat(16)}${i}`, i])))),
  );
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
  addOddValues(add);
  return corpus;
}

const throwing = (message: string) => () => {
  throw new Error(message);
};

/** An object whose every trap throws: reading anything of it fails. */
const explodingProxy = (target: object = {}) =>
  new Proxy(target, {
    get: throwing("get trap exploded"),
    has: throwing("has trap exploded"),
    ownKeys: throwing("ownKeys trap exploded"),
    getPrototypeOf: throwing("getPrototypeOf trap exploded"),
    getOwnPropertyDescriptor: throwing("descriptor trap exploded"),
  });

const revokedProxy = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

const withGetter = (fields: Record<string, unknown>, key: string, get: () => unknown) =>
  Object.defineProperty({ ...fields }, key, { enumerable: true, get });

/**
 * Odd values a producer can put anywhere: as a JSON line, as an argument, inside an exception or a
 * diagnostics message, and as the TraceItem's own fields. Each comes with a planted secret under a
 * secret name beside it, which must be redacted whatever the odd value does.
 */
function addOddValues(add: (name: string, item: unknown, events?: number) => void): void {
  const secret = { password: PLANTED_SECRET };
  const oddJson = [
    '{"id":{"toString":1}}',
    '{"id":{"toString":1,"valueOf":1},"requestId":{"toString":{}}}',
    '{"_event":"odd","status":{"toString":1},"durationMs":{"valueOf":1},"error":{"toString":"x"}}',
    '{"_event":{"toString":1},"_importance":{"valueOf":1},"_sampleRate":{"valueOf":1}}',
    '{"__proto__":{"toString":1},"constructor":{"prototype":1},"toJSON":1,"hasOwnProperty":1}',
    '{"_event":"AI.Generation.completed","tokens":{"toString":1},"model":{"valueOf":1}}',
    '{"_event":"run_complete","runId":{"toString":1},"durationMs":"slow"}',
  ];
  for (const line of oddJson) {
    const withSecret = `${line.slice(0, -1)},"password":"${PLANTED_SECRET}"}`;
    add(`odd JSON line ${line.slice(0, 40)}`, traceItem({ logs: [log("warn", withSecret), log("log", "next line")] }));
    add(`odd JSON as argument ${line.slice(0, 40)}`, traceItem({ logs: [log("warn", { ...JSON.parse(line), ...secret })] }));
    add(
      `odd JSON as diagnostics message ${line.slice(0, 30)}`,
      traceItem({ diagnosticsChannelEvents: [{ timestamp: 1, channel: "c", message: { ...JSON.parse(line), ...secret } }] }),
    );
  }

  const sparse: unknown[] = [];
  sparse[5] = secret;
  const cyclicArray: unknown[] = [secret];
  cyclicArray.push(cyclicArray);
  class WithPrivate {
    #hidden = PLANTED_SECRET;
    password = PLANTED_SECRET;
    reveal() {
      return this.#hidden;
    }
  }
  const oddArguments: [string, unknown][] = [
    ["getter that throws", withGetter(secret, "boom", throwing("getter exploded"))],
    ["getter returning a Proxy", withGetter(secret, "inner", () => explodingProxy())],
    ["Proxy whose traps throw", explodingProxy(secret)],
    ["revoked Proxy", revokedProxy()],
    ["toJSON that throws", { ...secret, toJSON: throwing("toJSON exploded") }],
    ["toString and valueOf that are not functions", { ...secret, toString: 1, valueOf: "x", [Symbol.toPrimitive]: 3 }],
    ["Symbol keys and values", { ...secret, [Symbol("k")]: 1, s: Symbol("v") }],
    ["null prototype", Object.assign(Object.create(null) as object, secret)],
    ["frozen", Object.freeze({ ...secret, nested: Object.freeze({ token: PLANTED_SECRET }) })],
    ["nested BigInt", { ...secret, big: 2n ** 70n, list: [1n] }],
    ["sparse array", sparse],
    ["cyclic array", cyclicArray],
    [
      "Map with secret keys",
      new Map<unknown, unknown>([
        ["password", PLANTED_SECRET],
        [{ k: 1 }, "object key"],
      ]),
    ],
    ["Set", new Set([secret, 1])],
    ["Headers", new Headers({ authorization: `Bearer ${PLANTED_SECRET}`, accept: "*/*" })],
    ["invalid Date inside", { ...secret, at: new Date(Number.NaN) }],
    [
      "Error whose message getter throws",
      { ...secret, error: Object.defineProperty(new Error("x"), "message", { get: throwing("message exploded") }) },
    ],
    ["class instance with a private field", new WithPrivate()],
    ["array nested 5,000 levels", JSON.parse("[".repeat(5_000) + "]".repeat(5_000))],
  ];
  for (const [name, value] of oddArguments) {
    add(`odd argument: ${name}`, traceItem({ logs: [log("log", value), log("log", "text", value)] }));
  }

  // Whole parts that cannot be read: each becomes one marked event, the rest of the item stays.
  const fine = () => log("log", JSON.stringify({ _event: "fine", ...secret }));
  add("log entry that is a Proxy whose traps throw", traceItem({ logs: [fine(), explodingProxy() as never, fine()] }));
  add("log entry that is a revoked Proxy", traceItem({ logs: [fine(), revokedProxy() as never] }));
  add(
    "log entry whose message getter throws",
    traceItem({ logs: [withGetter({ level: "log", timestamp: 1 }, "message", throwing("message exploded")) as never, fine()] }),
  );
  const badArgument = Object.defineProperty([] as unknown[], 0, { enumerable: true, get: throwing("arg exploded") });
  add("message whose element getter throws", traceItem({ logs: [{ level: "log", timestamp: 1, message: badArgument }] }));
  const badIndex = [fine(), fine()];
  Object.defineProperty(badIndex, 1, { get: throwing("index exploded") });
  add("logs array whose element getter throws", traceItem({ logs: badIndex }));
  add(
    "logs that is a Proxy whose traps throw",
    traceItem({ logs: explodingProxy([]) as never, exceptions: [{ timestamp: 1, name: "Error", message: "kept" }] }),
    3,
  );
  add(
    "logs getter that throws",
    withGetter(traceItem({ exceptions: [{ timestamp: 1, name: "Error", message: "kept" }] }), "logs", throwing("logs exploded")),
    3,
  );
  add(
    "exception with odd name and message",
    traceItem({ exceptions: [{ timestamp: 1, name: { toString: 1 } as never, message: { toString: 1, ...secret } as never }] }),
  );
  add("exception that is a Proxy whose traps throw", traceItem({ exceptions: [explodingProxy() as never] }));
  add(
    "diagnostics message that is a Proxy whose traps throw",
    traceItem({ diagnosticsChannelEvents: [{ timestamp: 1, channel: "c", message: explodingProxy(secret) }] }),
  );
  add(
    "diagnostics entry whose getters throw",
    traceItem({ diagnosticsChannelEvents: [withGetter({ timestamp: 1 }, "channel", throwing("channel exploded")) as never] }),
  );
  // The invocation record's own fields.
  add("TraceItem that is a Proxy whose traps throw", explodingProxy(traceItem()), 1);
  add("TraceItem whose event getter throws", withGetter(traceItem({ logs: [fine()] }), "event", throwing("event exploded")));
  add(
    "request that is a Proxy whose traps throw",
    traceItem({ event: { request: explodingProxy(), response: { status: 200 } }, logs: [fine()] }),
  );
  add(
    "headers and cf that are Proxies",
    traceItem({ event: { request: { url: "https://x/", method: "GET", headers: explodingProxy(), cf: explodingProxy() } } }),
  );
  add(
    "headers with a getter that throws",
    traceItem({ event: fetchEvent("GET", "https://x/", 200, withGetter({ colo: "LHR" }, "city", throwing("cf exploded"))) }),
  );
  add(
    "scriptVersion and scriptTags that are odd",
    traceItem({ scriptVersion: explodingProxy() as never, scriptTags: [1n, Symbol("t"), "ok"] as never }),
  );
}

/** How many events an item must yield, counted independently of the parser: one per part. */
export function expectedEventCount(item: unknown): number {
  if (item === null || typeof item !== "object" || Array.isArray(item)) return 1;
  const record = item as Record<string, unknown>;
  const count = (value: unknown) => (Array.isArray(value) ? value.length : 0);
  return 1 + count(record.logs) + count(record.exceptions) + count(record.diagnosticsChannelEvents);
}
