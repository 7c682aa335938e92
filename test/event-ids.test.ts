import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { EventEnvelope } from "../schemas/event-envelope";
import { newInvocationId } from "../tail-worker/route/invocation-id";
import { envelopes, toWireEvents } from "./helpers/pipeline";
import { fetchEvent, log, logAt, T0, traceItem } from "./helpers/trace-items";

// Ids let the collector recognise a retried delivery, and let a reader find every event of one
// invocation; the envelope around the producer's fields must never alter them.

const sample = () =>
  traceItem({
    logs: [
      log("log", JSON.stringify({ _event: "order_placed", orderId: "o-1" })),
      log("info", "cache warm"),
      log("warn", "slow", { ms: 900 }),
    ],
    exceptions: [{ timestamp: T0 + 2, name: "Error", message: "late failure" }],
    diagnosticsChannelEvents: [{ timestamp: T0 + 3, channel: "db", message: { query: "SELECT 1" } }],
  });

describe("event ids", () => {
  it("name one delivery, not content: the same TraceItem twice gets two invocation ids, same events otherwise", () => {
    const first = envelopes(toWireEvents([sample()], T0 + 1_000));
    const again = envelopes(toWireEvents([sample()], T0 + 1_000));
    expect(again[0]!.invocationId).not.toBe(first[0]!.invocationId);
    const withoutIds = (events: typeof first) => events.map(({ id: _id, invocationId: _inv, ...rest }) => rest);
    expect(withoutIds(again)).toEqual(withoutIds(first));
  });

  it("are 64 random bits: 100,000 draws do not repeat", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 100_000; i++) ids.add(newInvocationId());
    expect(ids.size).toBe(100_000);
    for (const id of [...ids].slice(0, 10)) expect(id).toMatch(/^[0-9a-f]{16}$/);
    // Every digit takes every value, and no byte repeats another (about 1 in 256 ids by chance).
    const drawn = [...ids];
    for (let digit = 0; digit < 16; digit++) expect(new Set(drawn.map((id) => id[digit])).size).toBe(16);
    for (let a = 0; a < 16; a += 2)
      for (let b = a + 2; b < 16; b += 2) {
        const same = drawn.filter((id) => id.slice(a, a + 2) === id.slice(b, b + 2)).length;
        expect(same, `bytes at ${a} and ${b}`).toBeLessThan(drawn.length / 100);
      }
  });

  it("are <invocationId>-<position>, with one invocationId shared by all events of the item", () => {
    const events = envelopes(toWireEvents([sample()]));
    const invocationId = events[0]!.invocationId;
    expect(invocationId).toMatch(/^[0-9a-f]{16}$/);
    expect(events.map((e) => e.id)).toEqual(events.map((_, position) => `${invocationId}-${position}`));
    expect(new Set(events.map((e) => e.invocationId))).toEqual(new Set([invocationId]));
  });

  it("are unique within an item, even for identical console calls", () => {
    const same = logAt(T0 + 1, "log", "tick");
    const ids = toWireEvents([traceItem({ logs: [same, same, same] })]).map((e) => e.id);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });

  it("differ between different items", () => {
    const variants = [
      sample(),
      traceItem({ ...sample(), logs: [log("log", "another line")] }),
      traceItem({ ...sample(), eventTimestamp: T0 + 1 }),
      traceItem({ ...sample(), scriptName: "other-producer" }),
      traceItem({ ...sample(), event: fetchEvent("GET", "https://example.com/other", 200) }),
      traceItem({ ...sample(), outcome: "exception" }),
    ];
    const invocationIds = variants.map((item) => envelopes(toWireEvents([item]))[0]!.invocationId);
    expect(new Set(invocationIds).size).toBe(variants.length);

    const all = toWireEvents(variants).map((e) => e.id);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe("archived event envelope", () => {
  it("carries id, invocationId, type, importance, timestamp and script on every event", () => {
    const wire = toWireEvents([sample()]);
    for (const [position, event] of wire.entries()) {
      const envelope = v.parse(EventEnvelope, JSON.parse(event.json));
      expect(envelope.id).toBe(event.id);
      expect(envelope.importance).toBe(event.importance);
      expect(envelope.type).toBe(event.type);
      expect(envelope.timestamp).toBe(event.timestamp);
      expect(envelope.script, `event ${position}`).toBe("test-producer");
    }
    expect(wire.map((e) => e.type)).toEqual(["invocation", "order_placed", "console.info", "console.warn", "exception", "db"]);
    expect(wire.map((e) => e.timestamp)).toEqual([T0, T0 + 1, T0 + 1, T0 + 1, T0 + 2, T0 + 3]);
  });

  it("keeps the producer's own fields unchanged in data, even those named like envelope fields", () => {
    const fields = {
      _event: "Agent.Tool.called",
      // Names the envelope also uses: they stay the producer's, inside data.
      id: "abc-123",
      type: "Agent",
      importance: "very",
      timestamp: "yesterday",
      script: 7,
      // Values that a careless re-serialisation would change.
      unicode: "Grüße €𝄞",
      float: 0.1,
      big: 9007199254740991,
      empty: {},
      list: [null, true, "x", { deep: [1] }],
    };
    for (const message of [[JSON.stringify(fields)], [fields]]) {
      const [, event] = envelopes(toWireEvents([traceItem({ logs: [{ timestamp: T0, level: "log", message }] })]));
      expect(event!.data).toEqual(fields);
      expect(event!.type).toBe("Agent.Tool.called");
      expect(event!.id).not.toBe("abc-123");
    }
  });
});
