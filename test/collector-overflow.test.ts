import { abortAllDurableObjects } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { collector, injectBucketFaults, overrideCollectorConfig, testDay } from "./helpers/collector";
import { archivedIds, wireEvents } from "./helpers/wire-events";

const SIZE = 500;

// When R2 is down for long, buffers stop growing at their caps; what is shed is counted and reported.
describe("TailCollector overflow", () => {
  it("keeps the LOW events that fit under the LOW cap, sheds exactly the rest, and remembers their ids", async () => {
    const { timestamp, prefix } = testDay(501);
    const stub = collector("overflow-low");
    await overrideCollectorConfig(stub, (c) => ({ ...c, bufferCaps: { ...c.bufferCaps, 3: SIZE * 5 } }));

    const events = wireEvents(8, { importance: 3, timestamp, bytes: SIZE });
    expect(events.every((e) => e.json.length === SIZE)).toBe(true);
    // Five events of SIZE bytes fill the cap exactly; the last three do not fit.
    expect(await stub.ingest({ events })).toEqual({ accepted: 5, duplicates: 0, shed: 3 });
    const stats = await stub.stats();
    expect(stats.buffered.LOW.events).toBe(5);
    expect(stats.counters.shed).toEqual({ over_buffer_cap: { LOW: 3 } });
    expect(stats.counters.received).toBe(5);

    // Shed events were acknowledged: a retry of the whole call, even after a restart, stores nothing.
    await abortAllDurableObjects();
    const restarted = collector("overflow-low");
    expect(await restarted.ingest({ events })).toEqual({ accepted: 0, duplicates: 8, shed: 0 });
    expect((await restarted.stats()).counters.shed).toEqual({ over_buffer_cap: { LOW: 3 } });

    await restarted.flush();
    expect((await archivedIds(env.ARCHIVE, prefix)).sort()).toEqual(
      events
        .slice(0, 5)
        .map((e) => e.id)
        .sort(),
    );
  });

  it("keeps CRITICAL and HIGH past their caps, shedding buffered LOW first and then NORMAL", async () => {
    const { timestamp, prefix } = testDay(502);
    const stub = collector("overflow-high");
    await overrideCollectorConfig(stub, (c) => ({ ...c, bufferCaps: { ...c.bufferCaps, 1: SIZE * 2 } }));
    // One event per call, hence per buffer row: shedding frees whole rows, oldest first.
    const low = wireEvents(3, { importance: 3, timestamp, bytes: SIZE });
    const normal = wireEvents(3, { importance: 2, timestamp, bytes: SIZE });
    for (const event of [...low, ...normal]) await stub.ingest({ events: [event] });

    // 6 HIGH events: 2 fit under the cap; the other 4 need room: all 3 LOW rows go, then NORMAL.
    const highEvents = wireEvents(6, { importance: 1, timestamp, bytes: SIZE });
    const high = await stub.ingest({ events: highEvents });
    expect(high).toEqual({ accepted: 6, duplicates: 0, shed: 4 });
    const stats = await stub.stats();
    expect(stats.buffered.HIGH.events).toBe(6);
    expect(stats.buffered.LOW.events).toBe(0);
    expect(stats.buffered.NORMAL.events).toBe(2);
    expect(stats.counters.shed).toEqual({ room_for_critical_high: { LOW: 3, NORMAL: 1 } });

    // What is archived: every HIGH event and the two newest NORMAL ones; the oldest NORMAL and every LOW were shed.
    await stub.flush();
    const archived = await archivedIds(env.ARCHIVE, prefix);
    expect(archived.sort()).toEqual([...highEvents, ...normal.slice(1)].map((e) => e.id).sort());
  });

  it("archives one HIGH event telling what was shed once flushing works again", async () => {
    const { timestamp, prefix } = testDay(503);
    const stub = collector("overflow-report");
    await overrideCollectorConfig(stub, (c) => ({ ...c, bufferCaps: { ...c.bufferCaps, 3: SIZE * 3 } }));
    await injectBucketFaults(stub, { failBeforeWrite: 10 });
    const { shed } = await stub.ingest({ events: wireEvents(7, { importance: 3, timestamp, bytes: SIZE }) });
    expect((await stub.flush()).errors.length).toBeGreaterThan(0);

    await injectBucketFaults(stub, {});
    await stub.flush();
    await stub.flush();
    const today = new Date().toISOString().slice(0, 10);
    const listing = await env.ARCHIVE.list({ prefix: `tail-events/${today}/importance-1/` });
    const reports = [];
    for (const object of listing.objects) {
      const events = (await (await env.ARCHIVE.get(object.key))!.json()) as {
        type: string;
        script: string;
        data: Record<string, unknown>;
      }[];
      reports.push(...events.filter((e) => e.type === "do_tail.events_shed" && e.data.byReason !== undefined));
    }
    const ours = reports.filter((r) => JSON.stringify(r.data.byReason) === JSON.stringify({ over_buffer_cap: { LOW: shed } }));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.data.shedEvents).toBe(shed);
    expect((await env.ARCHIVE.list({ prefix })).objects).toHaveLength(1);
    expect((await stub.stats()).counters.shed).toEqual({ over_buffer_cap: { LOW: shed } });
  });
});
