import { describe, expect, it } from "vitest";
import { realisticInvocations } from "../bench/realistic-mix";
import { wellFormedJson } from "../schemas/lib/well-formed-json";
import worker from "../tail-worker/index";
import { doFrameworkSample, listedSamples } from "./helpers/catalog-samples";
import { wrappedNamespace } from "./helpers/collector-namespace";
import { duckdbRead, type EngineObject } from "./helpers/duckdb";
import { hostileCorpus } from "./helpers/hostile-corpus";
import { fetchEvent, log, T0, traceItem } from "./helpers/trace-items";

const LONE = "\ud800";
const LONE_LOW = "\udc00";

/** Lone surrogates in every place a producer can put one: data, text, keys, names, levels, channels, script. */
function surrogateItems(): unknown[] {
  const emoji = "😀".repeat(40_000);
  return [
    traceItem({
      scriptName: `producer${LONE}`,
      event: fetchEvent("GET", `https://x.example/${LONE}?q=${LONE_LOW}`, 200, { colo: `LHR${LONE}` }),
      logs: [
        log(
          "log",
          JSON.stringify({ _event: `surrogate${LONE}`, text: `a${LONE_LOW}b`, [`k${LONE}`]: 1, list: [LONE, `${LONE}${LONE_LOW}`] }),
        ),
        log("log", `plain text ${LONE} with a lone surrogate`),
        log(`warn${LONE}`, { [`key${LONE_LOW}`]: `value${LONE}` }),
        // The six characters \ud800 as an escape in the producer's own line: JSON.parse makes a lone surrogate of them.
        log("log", '{"_event":"escaped","v":"\\ud800","w":"\\udc00x","pair":"\\ud83d\\ude00","literal":"\\\\ud800"}'),
        log("log", `{"_event":"literal","v":"${LONE}"}`),
        log("log", `{broken json ${LONE}`),
        log("log", JSON.stringify({ _event: "big", blob: emoji })),
      ],
      exceptions: [{ timestamp: T0, name: `Error${LONE}`, message: `failed ${LONE_LOW}`, stack: `at ${LONE}` }],
      diagnosticsChannelEvents: [{ timestamp: T0, channel: `chan${LONE}`, message: { [`m${LONE}`]: LONE_LOW } }],
    }),
  ];
}

/** Every catalog event, valid, in one invocation each. */
function catalogItems(): unknown[] {
  const named = [
    ...listedSamples().map(([, fields]) => fields),
    doFrameworkSample("AI.Generation.completed"),
    doFrameworkSample("Workflow.Step.failed"),
  ];
  return named.map((fields, n) => traceItem({ eventTimestamp: T0 + n, logs: [log("log", JSON.stringify(fields))] }));
}

// What do-tail archives must be readable by strict JSON readers: DuckDB reads every object whole.
describe("the archive, read by DuckDB", () => {
  it("holds only well-formed Unicode, and every event of the hostile corpus and a traffic mix", { timeout: 300_000 }, async () => {
    const ns = wrappedNamespace("strict-archive");
    const batches = [surrogateItems(), hostileCorpus().map((c) => c.item), realisticInvocations(300), catalogItems()];
    for (const items of batches) await worker.tail(items as TraceItem[], ns.env);

    const report = await ns.shard(0).flush();
    expect(report.errors).toEqual([]);
    const stats = await ns.shard(0).stats();
    expect(stats.counters.undelivered).toBe(0);
    expect(stats.counters.archived).toBe(stats.counters.received);

    const objects: EngineObject[] = [];
    for (const { key } of report.objects) {
      const object = await ns.env.ARCHIVE.get(key);
      objects.push({ name: key, bytes: new Uint8Array(await object!.arrayBuffer()) });
    }
    const read = await duckdbRead(objects);
    expect(read.filter((r) => "error" in r)).toEqual([]);
    const events = read.reduce((sum, r) => sum + ("events" in r ? r.events : 0), 0);
    expect(events).toBe(stats.counters.received);
    expect(events).toBe(report.events);

    // No lone surrogate, as a character or as an escape, anywhere in what R2 holds.
    for (const object of objects) {
      const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(object.bytes);
      expect(text.isWellFormed()).toBe(true);
      expect(wellFormedJson(text), object.name).toBe(text);
    }
  });
});

describe("wellFormedJson", () => {
  it("replaces lone surrogates, escaped or not, and leaves pairs, other escapes and escaped backslashes alone", () => {
    const cases: [string, string][] = [
      [JSON.stringify({ a: LONE }), '{"a":"\\ufffd"}'],
      [JSON.stringify({ [LONE_LOW]: "x" }), '{"\\ufffd":"x"}'],
      ['{"a":"\\uD800\\uDC00"}', '{"a":"\\uD800\\uDC00"}'],
      ['{"a":"\\ud800\\u0041"}', '{"a":"\\ufffd\\u0041"}'],
      ['{"a":"\\\\ud800"}', '{"a":"\\\\ud800"}'],
      ['{"a":"\\\\\\ud800"}', '{"a":"\\\\\\ufffd"}'],
      [`{"a":"${LONE}"}`, '{"a":"\ufffd"}'],
      ['{"a":"\\n\\u00e9"}', '{"a":"\\n\\u00e9"}'],
    ];
    for (const [input, output] of cases) expect(wellFormedJson(input), input).toBe(output);
  });
});
