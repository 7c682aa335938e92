import { describe, expect, it } from "vitest";
import { compileCondition, looseEqual } from "../schemas/filter/compile";
import type { Condition } from "../schemas/filter/condition";
import { fieldPath } from "../schemas/filter/field-path";
import { parseDuration } from "../schemas/lib/duration";
import { EXACT_VALUES, QuantileSketch, RELATIVE_ACCURACY } from "../schemas/lib/quantile-sketch";
import { Aggregator } from "../tail-worker/query/grouping";
import { JsonArraySplitter } from "../tail-worker/query/json-array-stream";
import { QueryTooLargeError } from "../tail-worker/query/refusal";
import { StateMeter } from "../tail-worker/query/state-meter";
import { resolveTime } from "../tail-worker/query/time-range";
import { expandedPercentile, seededRandom } from "./helpers/query-events";

// The query engine's parts on their own: streaming JSON arrays, field paths, filters, percentiles, times.

function split(chunks: string[]): unknown[] {
  const out: unknown[] = [];
  const splitter = new JsonArraySplitter((text) => out.push(JSON.parse(text)));
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return out;
}

describe("JsonArraySplitter", () => {
  const tricky = [
    { id: "a", text: 'brackets ] } [ { and "quotes" and \\ backslashes \\"', data: { nested: [1, [2, { x: "]" }]] } },
    { id: "b", text: "unicode é ✓ 😀", data: {} },
    "a string element, with a comma",
    42,
    null,
    true,
    [],
    {},
  ];
  const text = JSON.stringify(tricky, null, 1);

  it("finds every element of a pretty-printed array in one chunk", () => {
    expect(split([text])).toEqual(tricky);
  });

  it("finds the same elements whatever the chunk boundaries", () => {
    const random = seededRandom(7);
    for (let round = 0; round < 200; round++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; ) {
        const size = 1 + Math.floor(random() * 12);
        chunks.push(text.slice(i, i + size));
        i += size;
      }
      expect(split(chunks)).toEqual(tricky);
    }
  });

  it("reads the empty array and refuses truncated or non-array text", () => {
    expect(split(["[", " ]"])).toEqual([]);
    expect(() => split(['[{"a":1},{"b"'])).toThrow(/ended inside/);
    expect(() => split(['{"a":1}'])).toThrow(/not a JSON array/);
    expect(() => split(["[1] [2]"])).toThrow(/after the end/);
  });
});

describe("field paths", () => {
  const event = { type: "run_complete", importance: 2, data: { capsuleId: "c1", type: "inner", nested: { deep: 3 } } };
  it("reads envelope fields from the envelope and bare names from data", () => {
    expect(fieldPath("type").read(event)).toBe("run_complete");
    expect(fieldPath("data.type").read(event)).toBe("inner");
    expect(fieldPath("capsuleId").read(event)).toBe("c1");
    expect(fieldPath("data.capsuleId").read(event)).toBe("c1");
    expect(fieldPath("nested.deep").read(event)).toBe(3);
    expect(fieldPath("nested.missing.deeper").read(event)).toBeUndefined();
    expect(fieldPath("constructor").read(event)).toBeUndefined();
  });
});

describe("filters", () => {
  const event = {
    type: "ws_session_end",
    importance: 1,
    data: { hashMismatchCount: 2, playerId: "Abc123", tags: ["a", "b"], status: 200, flag: false },
  };
  const holds = (c: Condition) => compileCondition(c)(event);

  it("compares with each operator", () => {
    expect(holds({ field: "hashMismatchCount", op: "gt", value: 0 })).toBe(true);
    expect(holds({ field: "hashMismatchCount", op: "gt", value: 2 })).toBe(false);
    expect(holds({ field: "hashMismatchCount", op: "gte", value: 2 })).toBe(true);
    expect(holds({ field: "hashMismatchCount", op: "lt", value: "3" })).toBe(true);
    expect(holds({ field: "hashMismatchCount", op: "lte", value: 1 })).toBe(false);
    expect(holds({ field: "playerId", op: "eq", value: "Abc123" })).toBe(true);
    expect(holds({ field: "playerId", op: "ne", value: "Abc123" })).toBe(false);
    expect(holds({ field: "playerId", op: "contains", value: "bc1" })).toBe(true);
    expect(holds({ field: "playerId", op: "contains", value: "ABC" })).toBe(true);
    expect(holds({ field: "tags", op: "contains", value: "b" })).toBe(true);
    expect(holds({ field: "tags", op: "contains", value: "c" })).toBe(false);
    expect(holds({ field: "status", op: "eq", value: "200" })).toBe(true);
    expect(holds({ field: "status", op: "in", value: [404, 200] })).toBe(true);
    expect(holds({ field: "flag", op: "eq", value: false })).toBe(true);
    expect(holds({ field: "flag", op: "exists" })).toBe(true);
    expect(holds({ field: "missing", op: "exists" })).toBe(false);
    expect(holds({ field: "missing", op: "exists", value: false })).toBe(true);
    expect(holds({ field: "missing", op: "ne", value: "x" })).toBe(true);
    expect(holds({ field: "missing", op: "gt", value: 0 })).toBe(false);
    expect(holds({ field: "missing", op: "eq", value: null })).toBe(true);
    expect(holds({ field: "playerId", op: "gt", value: 5 })).toBe(false);
  });

  it("treats numbers and their strings as equal, and nothing else", () => {
    expect(looseEqual(3, "3")).toBe(true);
    expect(looseEqual(3, "")).toBe(false);
    expect(looseEqual(0, null)).toBe(false);
    expect(looseEqual(true, "true")).toBe(true);
    expect(looseEqual({ a: 1 }, { a: 1 })).toBe(true);
  });
});

/** Weighted nearest rank the plain way: sort, add up weights until q × total is reached. */
function exactWeighted(pairs: readonly { value: number; weight: number }[], q: number): number | null {
  if (pairs.length === 0) return null;
  const sorted = [...pairs].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((s, p) => s + p.weight, 0);
  let cumulative = 0;
  for (const p of sorted) {
    cumulative += p.weight;
    if (cumulative >= q * total * (1 - 1e-12)) return p.value;
  }
  return sorted[sorted.length - 1]!.value;
}

describe("weighted percentiles", () => {
  const sketchOf = (pairs: readonly { value: number; weight: number }[]) => {
    const sketch = new QuantileSketch(new StateMeter());
    for (const p of pairs) sketch.add(p.value, p.weight);
    return sketch;
  };

  it("agree with repeating each value by its weight, exactly, up to the exact bound", () => {
    const random = seededRandom(99);
    for (let round = 0; round < 100; round++) {
      const n = 1 + Math.floor(random() * 40);
      const pairs = Array.from({ length: n }, () => ({ value: Math.floor(random() * 1000), weight: 1 + Math.floor(random() * 5) }));
      for (const p of [50, 95, 99]) {
        expect(sketchOf(pairs).quantile(p / 100)).toBe(expandedPercentile(pairs, p));
        const unweighted = pairs.map((x) => ({ value: x.value, weight: 1 }));
        expect(sketchOf(unweighted).quantile(p / 100)).toBe(expandedPercentile(unweighted, p));
      }
    }
  });

  it("weigh fractional weights exactly below the bound", () => {
    const random = seededRandom(5);
    for (let round = 0; round < 50; round++) {
      const pairs = Array.from({ length: 1 + Math.floor(random() * 200) }, () => ({
        value: Math.round(random() * 5000) / 10,
        weight: 0.1 + random() * 7.3,
      }));
      for (const q of [0.5, 0.9, 0.95, 0.99]) expect(sketchOf(pairs).quantile(q)).toBe(exactWeighted(pairs, q));
    }
  });

  it("stay within the documented relative error past the bound, fractional weights and negatives included", () => {
    const random = seededRandom(17);
    for (const n of [EXACT_VALUES + 1, 20_000]) {
      const pairs = Array.from({ length: n }, () => ({
        value: (random() < 0.05 ? -1 : 1) * Math.exp(random() * 12),
        weight: random() < 0.5 ? 1 : 0.25 + random() * 20,
      }));
      const sketch = sketchOf(pairs);
      expect(sketch.exact).toBe(false);
      for (const q of [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1]) {
        const exact = exactWeighted(pairs, q)!;
        const approx = sketch.quantile(q)!;
        expect(Math.abs(approx - exact), `q=${q}: ${approx} vs ${exact}`).toBeLessThanOrEqual(RELATIVE_ACCURACY * Math.abs(exact) + 1e-9);
      }
    }
  });

  it("hold bounded memory whatever the number of values", () => {
    const meter = new StateMeter();
    const sketch = new QuantileSketch(meter);
    for (let i = 1; i <= 200_000; i++) sketch.add(i * 0.37, 1);
    expect(meter.bytes).toBeLessThanOrEqual(2048 * 8);
    expect(sketch.quantile(0)).toBeCloseTo(0.37);
  });
});

describe("times", () => {
  const now = Date.UTC(2030, 5, 1, 12);
  it("reads relative, ISO and epoch times", () => {
    expect(resolveTime("-1h", now)).toBe(now - 3_600_000);
    expect(resolveTime("-15m", now)).toBe(now - 900_000);
    expect(resolveTime("-7d", now)).toBe(now - 7 * 86_400_000);
    expect(resolveTime("now", now)).toBe(now);
    expect(resolveTime("2030-06-01T10:00:00Z", now)).toBe(Date.UTC(2030, 5, 1, 10));
    expect(resolveTime("2030-06-01", now)).toBe(Date.UTC(2030, 5, 1));
    expect(resolveTime(1234, now)).toBe(1234);
    expect(resolveTime("1234", now)).toBe(1234);
    expect(resolveTime("soon", now)).toHaveProperty("error");
    expect(resolveTime(1e300, now)).toHaveProperty("error");
    expect(parseDuration("24h")).toBe(86_400_000);
    expect(parseDuration("-1h")).toBeUndefined();
  });
});

describe("Aggregator", () => {
  it("refuses a query that makes more groups than it may hold", () => {
    const aggregator = new Aggregator([fieldPath("id")], [{ fn: "count", name: "count", where: [] }], new StateMeter(), 3);
    for (const id of ["a", "b", "c", "a"]) aggregator.add({ id }, 1);
    expect(() => aggregator.add({ id: "d" }, 1)).toThrow(QueryTooLargeError);
    expect(aggregator.rows([], 10).rows).toHaveLength(3);
  });
});
