import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addCount, MAX_TYPE_KEYS, OTHER_TYPES } from "../schemas/lib/bounded-counts";
import { MAX_ISSUES } from "../tail-worker/validate/validate-event";
import { readArchives } from "./helpers/archive";
import { RUNTIME_SAMPLES } from "./helpers/catalog-samples";
import { collector, testDay } from "./helpers/collector";
import { envelopes, toWireEvents } from "./helpers/pipeline";
import { logAt, traceItem } from "./helpers/trace-items";
import { wireEvents } from "./helpers/wire-events";

// Known events are validated against their catalog schema; a failing one is archived anyway,
// marked with its issues and counted by type. Unknown names pass unvalidated.

const runComplete = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ _event: "run_complete", ...RUNTIME_SAMPLES.run_complete, ...fields });

function itemWith(timestamp: number, ...lines: string[]) {
  return traceItem({ eventTimestamp: timestamp, logs: lines.map((line) => logAt(timestamp + 1, "log", line)) });
}

describe("validation in the tail worker", () => {
  it("marks a known event that fails its schema, and keeps its data as logged", () => {
    const wire = toWireEvents([itemWith(testDay(401).timestamp, runComplete({ durationMs: "1234ms" }))]);
    const [, event] = envelopes(wire);
    expect(event!.validation).toEqual({
      schema: "run_complete",
      issues: [{ path: "durationMs", message: expect.stringContaining('Expected number but received "1234ms"') }],
    });
    expect(event!.data.durationMs).toBe("1234ms");
    expect(wire[1]!.invalid).toBe(true);
  });

  it("leaves valid known events and unknown names unmarked", () => {
    const custom = JSON.stringify({ _event: "checkout_completed", durationMs: "not checked", cart: { items: 3 } });
    const wire = toWireEvents([itemWith(testDay(402).timestamp, runComplete(), custom)]);
    const [, valid, unknown] = envelopes(wire);
    expect(valid!.type).toBe("run_complete");
    expect(unknown!.type).toBe("checkout_completed");
    for (const event of [valid!, unknown!]) expect(event).not.toHaveProperty("validation");
    expect(wire.filter((e) => e.invalid)).toEqual([]);
  });

  it("validates events that arrive on a diagnostics channel", () => {
    const { timestamp } = testDay(403);
    const item = traceItem({
      eventTimestamp: timestamp,
      diagnosticsChannelEvents: [{ timestamp, channel: "do-framework", message: { _event: "AI.Generation.completed", tokens: "1500" } }],
    });
    const [, event] = envelopes(toWireEvents([item]));
    expect(event!.kind).toBe("diagnostic");
    expect(event!.validation?.issues.map((i) => i.path)).toEqual(["tokens"]);
  });

  it("does not validate unnamed logs, even when their fields look like a known event", () => {
    const unnamed = JSON.stringify({ event: "run_complete", durationMs: "x" });
    const [, event] = envelopes(toWireEvents([itemWith(testDay(404).timestamp, unnamed)]));
    expect(event!.type).toBe("console.log");
    expect(event).not.toHaveProperty("validation");
  });

  it("keeps at most a few issues of an event that fails on every field", () => {
    const everythingWrong = JSON.stringify({ _event: "ws_session_end", timestamp: "now" });
    const [, event] = envelopes(toWireEvents([itemWith(testDay(405).timestamp, everythingWrong)]));
    expect(event!.validation!.issues).toHaveLength(MAX_ISSUES);
  });
});

describe("marked events in the collector", () => {
  it("archives every invalid event with its mark and counts it by type in /stats", async () => {
    const { timestamp, prefix } = testDay(410);
    const stub = collector("validation-archive");
    const heartbeat = JSON.stringify({
      _event: "heartbeat",
      monitorId: "m",
      orgId: "o",
      region: "r",
      status: "sideways",
      latencyMs: 1,
      dispatchId: "d",
      timestamp,
    });
    const wire = toWireEvents([
      itemWith(timestamp, runComplete({ durationMs: "1s" }), runComplete({ status: 7 }), heartbeat, runComplete()),
    ]);
    expect(await stub.ingest({ events: wire })).toMatchObject({ accepted: wire.length });

    expect((await stub.stats()).counters.invalidByType).toEqual({ run_complete: 2, heartbeat: 1 });
    await stub.flush();
    const archived = (await readArchives(env.ARCHIVE, prefix)).flatMap((a) => a.events);
    expect(archived.filter((e) => e.type === "run_complete")).toHaveLength(3);
    expect(archived.filter((e) => e.validation).map((e) => [e.type, e.validation!.issues.map((i) => i.path)])).toEqual(
      expect.arrayContaining([
        ["run_complete", ["durationMs"]],
        ["run_complete", ["status"]],
        ["heartbeat", ["status"]],
      ]),
    );
  });

  it("rebuilds invalidByType from the buffer after an eviction", async () => {
    const { timestamp } = testDay(411);
    const stub = collector("validation-eviction");
    await stub.ingest({ events: toWireEvents([itemWith(timestamp, runComplete({ durationMs: null }))]) });
    await evictDurableObject(stub);
    expect((await stub.stats()).counters.invalidByType).toEqual({ run_complete: 1 });
  });

  it("caps the number of distinct types, whatever names a hostile sender marks invalid", async () => {
    const stub = collector("validation-cap");
    const events = wireEvents(MAX_TYPE_KEYS + 50, { timestamp: testDay(412).timestamp }).map((e, i) => ({
      ...e,
      type: `hostile_${i}`,
      invalid: true,
    }));
    await stub.ingest({ events });
    const counts = (await stub.stats()).counters.invalidByType;
    expect(Object.keys(counts)).toHaveLength(MAX_TYPE_KEYS + 1);
    expect(counts[OTHER_TYPES]).toBe(50);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(MAX_TYPE_KEYS + 50);
  });

  it("counts a `__proto__` type as a key like any other", () => {
    const counts: Record<string, number> = {};
    addCount(counts, "__proto__", 2);
    expect(Object.getPrototypeOf(counts)).toBe(Object.prototype);
    expect(Object.entries(counts)).toEqual([["__proto__", 2]]);
  });
});
