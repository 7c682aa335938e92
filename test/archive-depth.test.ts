import { describe, expect, it } from "vitest";
import { MAX_DATA_DEPTH } from "../schemas/event-envelope";
import { MAX_LINE_DEPTH } from "../tail-worker/parse/json-depth";
import { archivedEvents, archivedJson } from "./helpers/tail-path";
import { log, traceItem } from "./helpers/trace-items";

const SECRET = "Dq4deepSecret91";

/** Levels of objects and arrays in a parsed JSON value (a primitive has none). */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child));
  return deepest + 1;
}

/** An object `levels` deep: {"a":{"a":…{"password":SECRET}}}. */
function nestedObject(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { password: SECRET };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

function nestedArray(levels: number): unknown[] {
  let value: unknown[] = [1];
  for (let i = 1; i < levels; i++) value = [value];
  return value;
}

describe("archived data nests at most MAX_DATA_DEPTH levels, whatever the producer logs", () => {
  it.each([MAX_LINE_DEPTH + 1, MAX_DATA_DEPTH, 500, 5_000])("holds every form of data %i levels deep within the bound", (levels) => {
    const deepMap = new Map<string, unknown>([["inner", nestedObject(levels)]]);
    const item = traceItem({
      logs: [
        log("log", JSON.stringify(nestedObject(levels))),
        log("log", JSON.stringify(nestedArray(levels))),
        log("log", `{a: ${"{a: ".repeat(levels - 1)}1${"}".repeat(levels)}`),
        log("log", nestedObject(levels)),
        log("log", "two", nestedArray(levels)),
        log("log", deepMap),
      ],
      exceptions: [{ timestamp: 1, name: "Error", message: nestedObject(levels) as unknown as string }],
      diagnosticsChannelEvents: [{ timestamp: 1, channel: "deep", message: nestedObject(levels) }],
    });
    const json = archivedJson(item);
    expect(json).toHaveLength(9);
    for (const event of json) {
      const data = (JSON.parse(event) as { data: unknown }).data;
      expect(depthOf(data)).toBeLessThanOrEqual(MAX_DATA_DEPTH);
      expect(event).not.toContain(SECRET);
    }
    const [, objectLine, arrayLine, lenientLine] = archivedEvents(item);
    for (const line of [objectLine!, arrayLine!, lenientLine!]) {
      expect(line.data).toEqual({});
      expect(line.text!.length).toBeGreaterThan(levels);
      expect(line.parseError).toMatch(/nested deeper than/);
    }
  });

  it("keeps a line exactly as deep as allowed as data, byte for byte, and reads one level deeper as text", () => {
    const allowed = JSON.stringify(nestedObject(MAX_LINE_DEPTH)).replace(`{"password":"${SECRET}"}`, '{"ok":1}');
    const deeper = `{"a":${allowed}}`;
    const [, kept, text] = archivedEvents(traceItem({ logs: [log("log", allowed), log("log", deeper)] }));
    expect(archivedJson(traceItem({ logs: [log("log", allowed)] }))[1]).toContain(`"data":${allowed}}`);
    expect(depthOf(kept!.data)).toBe(MAX_LINE_DEPTH);
    expect(kept!.text).toBeUndefined();
    expect(text!.text).toBe(deeper);
    expect(text!.data).toEqual({});
  });

  it("cuts a Map whose pairs would pass the bound, at every depth around it", () => {
    for (let levels = MAX_DATA_DEPTH - 12; levels <= MAX_DATA_DEPTH + 2; levels++) {
      let value: unknown = new Map([["k", "v"]]);
      for (let i = 0; i < levels; i++) value = [value];
      const [, event] = archivedEvents(traceItem({ logs: [log("log", "wrapped", value)] }));
      expect(depthOf(event!.data), `a Map under ${levels} arrays`).toBeLessThanOrEqual(MAX_DATA_DEPTH);
    }
  });

  it("counts only brackets that nest, not those inside strings", () => {
    const line = JSON.stringify({ _event: "brackets", art: "[".repeat(1_000) + "{".repeat(1_000), more: ["]]]]", "}}}}"] });
    const [, event] = archivedEvents(traceItem({ logs: [log("log", line)] }));
    expect(event!.text).toBeUndefined();
    expect(event!.data.art).toBe("[".repeat(1_000) + "{".repeat(1_000));
  });
});
