import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { SamplingSchema } from "../schemas/config/sampling";
import { EventEnvelope } from "../schemas/event-envelope";
import { compileCondition, compileWhere, looseEqual } from "../schemas/filter/compile";
import { type Condition, ConditionSchema } from "../schemas/filter/condition";
import { ENVELOPE_FIELDS } from "../schemas/filter/field-path";
import { compileGlob } from "../schemas/filter/glob";
import type { ClassifiedEvent } from "../tail-worker/classify/classified-event";
import { anomalyConditions, decideSample } from "../tail-worker/sample/tail-sampler";
import { seededRandom } from "./helpers/query-events";

// The one filter language (schemas/filter/): /query, the CLI, tail sampling, alerts and the live
// stream all compile conditions here.

describe("filter language", () => {
  it("derives the envelope fields from the envelope schema", () => {
    expect([...ENVELOPE_FIELDS].sort()).toEqual(Object.keys(EventEnvelope.entries).sort());
  });

  it("answers `in` exactly as a chain of `eq`, for every kind of value", () => {
    const random = seededRandom(11);
    const pool: unknown[] = [0, 1, 3, -2.5, "3", "3.0", " 3", "", "x", "true", "false", true, false, null, { a: 1 }, [1, 2], "0x10", 16];
    for (let round = 0; round < 300; round++) {
      const list = pool.filter(() => random() < 0.3);
      if (list.length === 0) continue;
      const inList = compileCondition({ field: "f", op: "in", value: list });
      for (const actual of [...pool, undefined]) {
        const event = { data: actual === undefined ? {} : { f: actual } };
        const expected = list.some((candidate) => looseEqual(actual, candidate));
        expect(inList(event), `${JSON.stringify(actual)} in ${JSON.stringify(list)}`).toBe(expected);
      }
    }
  });

  it("means the same by eq null as by a missing field, and ne null as exists", () => {
    const eqNull = compileCondition({ field: "f", op: "eq", value: null });
    const neNull = compileCondition({ field: "f", op: "ne", value: null });
    const exists = compileCondition({ field: "f", op: "exists" });
    for (const data of [{}, { f: null }, { f: 0 }, { f: "" }, { f: "null" }]) {
      expect(eqNull({ data })).toBe(!exists({ data }));
      expect(neNull({ data })).toBe(exists({ data }));
    }
    expect(eqNull({ data: { f: "null" } })).toBe(false);
  });

  it("globs as the regular expression of its stars would, on a thousand patterns and texts", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const word = (alphabet: string, length: number) =>
      Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
    for (let i = 0; i < 1000; i++) {
      const pattern = word("aAb*.", 1 + Math.floor(random() * 6));
      const text = word("aAbB.\n", Math.floor(random() * 9));
      const reference = new RegExp(
        `^${pattern
          .split("*")
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
        "is",
      );
      expect(compileGlob(pattern).test(text), `${pattern} ~ ${JSON.stringify(text)}`).toBe(reference.test(text));
    }
  });

  it("decides a glob of many stars against long text at once (a regular expression would backtrack for seconds)", () => {
    const text = "a".repeat(300);
    expect(compileGlob("*a*a*a*a*b").test(text)).toBe(false);
    expect(compileGlob("*a*a*a*a*a").test(text)).toBe(true);
    const where = compileCondition({ field: "msg", op: "glob", value: `${"*a".repeat(40)}*b` });
    expect(where({ msg: "a".repeat(100_000) })).toBe(false);
  });

  it("globs case-insensitively and literally otherwise, and searches the whole event with *", () => {
    const glob = (pattern: string, type: string) => compileCondition({ field: "type", op: "glob", value: pattern })({ type });
    expect(glob("error_*", "error_rate_limit")).toBe(true);
    expect(glob("a.b", "aXb")).toBe(false);
    expect(glob("*failed", "payment_FAILED")).toBe(true);
    expect(glob("ws_*", "http")).toBe(false);
    const search = compileCondition({ field: "*", op: "contains", value: "TimeOut" });
    expect(search({ type: "x", data: { message: "upstream timeout after 3 s" } })).toBe(true);
    expect(search({ type: "x", data: {} })).toBe(false);
  });

  it("refuses malformed conditions, naming the part", () => {
    const bad: [unknown, string][] = [
      [{ field: "*", op: "eq", value: "x" }, "op"],
      [{ field: "type", op: "glob", value: 3 }, "value"],
      [{ field: "f", op: "in", value: Array.from({ length: 1001 }, (_, i) => i) }, "value"],
      [{ field: "f", op: "gt" }, "value"],
    ];
    for (const [condition, key] of bad) {
      const result = v.safeParse(ConditionSchema, condition);
      expect(result.success).toBe(false);
      expect(result.issues?.[0].path?.[0]?.key).toBe(key);
    }
  });

  it("needs every condition", () => {
    const where: Condition[] = [
      { field: "type", op: "eq", value: "a" },
      { field: "n", op: "gte", value: "2" },
    ];
    const matches = compileWhere(where);
    expect(matches({ type: "a", data: { n: 2 } })).toBe(true);
    expect(matches({ type: "a", data: { n: 1 } })).toBe(false);
    expect(matches({ type: "b", data: { n: 5 } })).toBe(false);
  });
});

describe("tail sampling's anomalies use the filter language", () => {
  const event = (type: string, data: Record<string, unknown>): ClassifiedEvent =>
    ({ type, kind: "log", importance: 2, namespace: null, data, timestamp: 1, named: true }) as unknown as ClassifiedEvent;
  const sampling = v.parse(SamplingSchema, { defaultRate: 0 });
  const kept = (e: ClassifiedEvent) => decideSample(e, sampling, () => 0.5).keep;

  it("keeps the default anomalies and drops the rest at rate 0", () => {
    expect(kept(event("ws_session_end", { disconnectReason: "timeout" }))).toBe(true);
    expect(kept(event("ws_session_end", { disconnectReason: "normal_close" }))).toBe(false);
    // An anomaly is something that happened: no reason is not a reason other than normal_close.
    expect(kept(event("ws_session_end", {}))).toBe(false);
    expect(kept(event("anything", { hashMismatchCount: 2 }))).toBe(true);
    expect(kept(event("anything", { hashMismatchCount: "2" }))).toBe(true);
    expect(kept(event("anything", { hashMismatchCount: 0 }))).toBe(false);
  });

  it("compiles a predicate to conditions on data.<field> and the type glob", () => {
    expect(anomalyConditions({ type: "ws_*", field: "a.b", op: "gt", value: 1 })).toEqual([
      { field: "type", op: "glob", value: "ws_*" },
      { field: "data.a.b", op: "gt", value: 1 },
    ]);
  });
});
