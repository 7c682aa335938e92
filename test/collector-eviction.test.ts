import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { abortMidFlush, collector, injectBucketFaults, testDay } from "./helpers/collector";
import { archivedIds, wireEvents } from "./helpers/wire-events";

// Acknowledged events must survive the object going away at any moment.
describe("TailCollector eviction and restart", () => {
  it("keeps acknowledged events across an eviction between ingest and flush", async () => {
    const { timestamp, prefix } = testDay(101);
    const stub = collector("evict-before-flush");
    const events = wireEvents(7, { importance: 2, timestamp });
    expect(await stub.ingest({ events })).toEqual({ accepted: 7, duplicates: 0, shed: 0 });

    await evictDurableObject(stub);
    const stats = await stub.stats();
    expect(stats.buffered.NORMAL.events).toBe(7);
    expect(stats.counters.received).toBe(7);

    await stub.flush();
    expect((await archivedIds(env.ARCHIVE, prefix)).sort()).toEqual(events.map((e) => e.id).sort());
  });

  it("archives everything exactly once when the object dies in the middle of a flush", async () => {
    const { timestamp, prefix } = testDay(102);
    const stub = collector("abort-mid-flush");
    const events = wireEvents(12, { importance: 1, timestamp });
    await stub.ingest({ events });

    const faulty = await abortMidFlush(stub);

    // The restarted object finds the recorded plan and replays it from its alarm.
    const restarted = collector("abort-mid-flush");
    expect(await runDurableObjectAlarm(restarted)).toBe(true);
    const ids = await archivedIds(env.ARCHIVE, prefix);
    expect(ids.sort()).toEqual(events.map((e) => e.id).sort());
    const listing = await env.ARCHIVE.list({ prefix });
    expect(listing.objects.map((o) => o.key)).toEqual([faulty.attempts[0]]);
    expect((await restarted.stats()).buffered.HIGH.events).toBe(0);
  });

  it("does not write a second copy when the object died after writing but before committing", async () => {
    const { timestamp, prefix } = testDay(103);
    const stub = collector("crash-after-write");
    const events = wireEvents(4, { importance: 3, timestamp });
    await stub.ingest({ events });
    const faulty = await injectBucketFaults(stub, { failAfterWrite: 1 });

    const report = await stub.flush();
    expect(report.errors).toHaveLength(1);
    await evictDurableObject(stub);
    await stub.flush();

    const listing = await env.ARCHIVE.list({ prefix });
    expect(listing.objects.map((o) => o.key)).toEqual([faulty.attempts[0]]);
    expect((await archivedIds(env.ARCHIVE, prefix)).sort()).toEqual(events.map((e) => e.id).sort());
  });

  it("rebuilds counters from storage after a restart", async () => {
    const { timestamp } = testDay(104);
    const stub = collector("counters-restart");
    await stub.ingest({ events: wireEvents(3, { importance: 0, timestamp }) });
    await stub.flush();
    await stub.ingest({ events: wireEvents(5, { importance: 3, timestamp }) });
    await abortAllDurableObjects();

    const { counters, buffered } = await collector("counters-restart").stats();
    expect(counters.received).toBe(8);
    expect(counters.archived).toBe(3);
    expect(buffered.LOW.events).toBe(5);
  });
});
