import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { collector, testDay } from "./helpers/collector";
import { wireEvents } from "./helpers/wire-events";

// Queries see what is still buffered: every unflushed event, never a flushed one.
describe("TailCollector bufferedEvents", () => {
  it("answers unflushed events of every importance, skipping those already flushed", async () => {
    const { timestamp } = testDay(701);
    const stub = collector("buffered-read");
    const critical = wireEvents(10, { importance: 0, timestamp });
    const low = wireEvents(3, { importance: 3, timestamp });
    const normal = wireEvents(2, { importance: 2, timestamp });
    await stub.ingest({ events: [...critical, ...low] });
    await stub.ingest({ events: normal });
    // Ten CRITICAL events cross their threshold: the alarm flushes CRITICAL only.
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    const buffered = await stub.bufferedEvents(1_000_000);
    const ids = (JSON.parse(buffered.json) as { id: string }[]).map((e) => e.id).sort();
    expect(ids).toEqual([...low, ...normal].map((e) => e.id).sort());
    expect(buffered).toMatchObject({ events: 5, truncated: false });
  });

  it("stops at the byte limit and says so", async () => {
    const { timestamp } = testDay(702);
    const stub = collector("buffered-read-limit");
    for (let i = 0; i < 5; i++) await stub.ingest({ events: wireEvents(1, { importance: 3, timestamp, bytes: 1000 }) });
    const buffered = await stub.bufferedEvents(2_500);
    expect(buffered.truncated).toBe(true);
    expect((JSON.parse(buffered.json) as unknown[]).length).toBe(2);
  });
});
