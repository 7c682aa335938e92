import { describe, expect, it } from "vitest";
import { realisticInvocations, wideEventInvocations } from "../bench/realistic-mix";
import { type EventRecord, eventRecord } from "../schemas/basin/event-record";
import { recordProblems, STREAM_SCHEMA, type StreamField, schemaProblems } from "../schemas/basin/stream-schema";
import type { WireEvent } from "../schemas/collector-rpc";
import { doFrameworkSample, listedSamples } from "./helpers/catalog-samples";
import { hostileCorpus } from "./helpers/hostile-corpus";
import { toWireEvents } from "./helpers/pipeline";
import { fetchEvent, log, T0, traceItem } from "./helpers/trace-items";
import { trafficMix } from "./helpers/traffic-mix";

// A Basin stream with a schema accepts a record that does not match it and drops it silently:
// every record do-tail can build must match stream-schema.json, the file the stream is created with.

const KEY = "tail-events/2031-03-14/importance-2/09-26-abcdefgh0123456789abcdef.json";

function recordOf(event: WireEvent): EventRecord {
  const outcome = eventRecord(event.json, KEY);
  if ("problem" in outcome) throw new Error(`${event.id}: ${outcome.problem}`);
  return outcome.record;
}

describe("the stream schema file", () => {
  it("is a stream schema of the format wrangler takes: known types, a unit for the timestamp, no name twice", () => {
    expect(schemaProblems(STREAM_SCHEMA)).toEqual([]);
    expect(STREAM_SCHEMA.fields.find((f) => f.name === "timestamp")).toMatchObject({ type: "timestamp", unit: "millisecond" });
  });

  it("names the schema's own mistakes", () => {
    const broken = {
      fields: [
        { name: "a", type: "string" },
        { name: "a", type: "int128" },
        { name: "t", type: "timestamp" },
        { name: "l", type: "list" },
      ],
    } as unknown as typeof STREAM_SCHEMA;
    expect(schemaProblems(broken)).toEqual([
      "a: named twice",
      'a: unknown type "int128"',
      "t: a timestamp needs a unit (second, millisecond, microsecond, nanosecond)",
      "l: a list needs items",
    ]);
  });
});

describe("the record validator", () => {
  const fields: StreamField[] = [
    { name: "s", type: "string", required: true },
    { name: "i", type: "int32", required: false },
    { name: "t", type: "timestamp", unit: "millisecond", required: false },
    { name: "f", type: "float64", required: false },
    { name: "b", type: "bool", required: false },
    { name: "j", type: "json", required: false },
    { name: "l", type: "list", required: false, items: { name: "item", type: "int64", required: true } },
    { name: "st", type: "struct", required: false, fields: [{ name: "x", type: "string", required: true }] },
  ];

  it("accepts a record that matches, optional fields left out", () => {
    expect(recordProblems(fields, { s: "x" })).toEqual([]);
    const full = { s: "x", i: -5, t: T0, f: 1.5, b: false, j: { a: [1, "b", null] }, l: [1, 2], st: { x: "y" } };
    expect(recordProblems(fields, full)).toEqual([]);
  });

  it("refuses what a stream may drop: missing, null, wrong type, out of range, not JSON, not in the schema", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, "s: missing"],
      [{ s: null }, "s: expected well-formed text, got null"],
      [{ s: "a\ud800" }, "s: expected well-formed text, got text with a lone surrogate"],
      [{ s: "x", i: 2 ** 31 }, "i: expected a 32-bit integer, got 2147483648"],
      [{ s: "x", i: 1.5 }, "i: expected a 32-bit integer, got 1.5"],
      [{ s: "x", t: T0 + 0.5 }, "t: expected an integer JSON can carry exactly"],
      [{ s: "x", f: Number.NaN }, "f: expected a finite number, got NaN"],
      [{ s: "x", b: "true" }, "b: expected true or false, got text"],
      [{ s: "x", j: { n: 10n } }, "j: bigint is not JSON"],
      [{ s: "x", l: [1, "2"] }, "l[1]: expected an integer JSON can carry exactly, got text"],
      [{ s: "x", st: {} }, "st.x: missing"],
      [{ s: "x", extra: 1 }, "extra: not in the schema"],
    ];
    for (const [record, problem] of cases) expect(recordProblems(fields, record).join("; "), problem).toContain(problem);
  });
});

describe("records of archived events", () => {
  function corpus(): WireEvent[] {
    const start = Date.UTC(2031, 2, 14);
    return [
      ...toWireEvents(hostileCorpus().map((c) => c.item)),
      ...toWireEvents(trafficMix({ start, invocations: 400, seed: 7 })),
      ...toWireEvents(realisticInvocations(200, start)),
      ...toWireEvents(wideEventInvocations(200, start)),
      ...toWireEvents(
        [
          ...listedSamples().map(([, fields]) => fields),
          doFrameworkSample("AI.Generation.completed"),
          doFrameworkSample("Workflow.Step.failed"),
        ].map((fields, n) => traceItem({ eventTimestamp: T0 + n, logs: [log("log", JSON.stringify(fields))] })),
      ),
    ];
  }

  it("every event of the hostile corpus and the traffic mixes makes a record that matches the schema file", { timeout: 120_000 }, () => {
    const events = corpus();
    expect(events.length).toBeGreaterThan(3_000);
    const filled = new Set<string>();
    for (const event of events) {
      const record = recordOf(event);
      expect(recordProblems(STREAM_SCHEMA.fields, record), event.id).toEqual([]);
      for (const key of Object.keys(record)) filled.add(key);
    }
    // Every column of the schema is filled by some event: no field of the file is dead, none of the builder's is missing from it.
    expect([...filled].sort()).toEqual(STREAM_SCHEMA.fields.map((f) => f.name).sort());
  });

  it("carries the envelope's values, and data, truncated and validation as the archive's own text", () => {
    const line = '{"_event":"big","n":123456789012345678901234567890,"nested":{"a":[1,2.50,"x"]}}';
    const [invocation, big] = toWireEvents([
      traceItem({
        scriptName: "api",
        eventTimestamp: T0,
        event: fetchEvent("GET", "https://api.example/x", 503),
        outcome: "exception",
        cpuTime: 7,
        wallTime: 41,
        logs: [log("warn", line)],
      }),
    ]);
    const record = recordOf(big!);
    const archived = JSON.parse(big!.json) as Record<string, unknown>;
    expect(record).toMatchObject({
      id: archived.id,
      invocation_id: archived.invocationId,
      type: "big",
      kind: "log",
      importance: archived.importance,
      timestamp: archived.timestamp,
      script: "api",
      level: "warn",
      sample_rate: 1,
      archive_key: KEY,
    });
    // The producer's integer past 2^53 arrives exact: data is the archive's text, not a re-serialisation.
    expect(big!.json.endsWith(`"data":${record.data}}`)).toBe(true);
    expect(record.data).toContain("123456789012345678901234567890");
    expect(recordOf(invocation!)).toMatchObject({
      kind: "invocation",
      outcome: "exception",
      http_status: 503,
      cpu_time_ms: 7,
      wall_time_ms: 41,
    });
    expect(record.outcome).toBeUndefined();
  });

  it("files an event whose time is not a date (1e308, negative) at the hour the archive filed it under", () => {
    // The tail worker replaces such times now; archives of earlier versions may still hold them.
    const [invocation] = toWireEvents([traceItem()]);
    for (const timestamp of [1e308, -5]) {
      const json = JSON.stringify({ ...JSON.parse(invocation!.json), timestamp });
      expect(recordOf({ ...invocation!, json }).timestamp).toBe(Date.UTC(2031, 2, 14, 9));
    }
  });

  it("says why an event without its required fields has no record", () => {
    expect(eventRecord("[1]", KEY)).toEqual({ problem: "not a JSON object (not a JSON object)" });
    expect(eventRecord('{"id":1}', KEY)).toEqual({ problem: "id is not text" });
    const noData = '{"id":"a-0","invocationId":"a","type":"t","kind":"log","importance":2,"timestamp":1,"data":[]}';
    expect(eventRecord(noData, KEY)).toEqual({ problem: "data is not an object" });
  });
});
