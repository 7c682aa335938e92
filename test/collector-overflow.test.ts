import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { collector, injectBucketFaults, overrideCollectorConfig, testDay } from "./helpers/collector";
import { wireEvents } from "./helpers/wire-events";

const SIZE = 500;

// When R2 is down for long, buffers stop growing at their caps; what is shed is counted and reported.
describe("TailCollector overflow", () => {
  it("sheds LOW events past the LOW cap and counts them by reason", async () => {
    const { timestamp } = testDay(501);
    const stub = collector("overflow-low");
    await overrideCollectorConfig(stub, (c) => ({ ...c, bufferCaps: { ...c.bufferCaps, 3: SIZE * 5 } }));

    const result = await stub.ingest({ events: wireEvents(8, { importance: 3, timestamp, bytes: SIZE }) });
    expect(result.accepted + result.shed).toBe(8);
    expect(result.shed).toBeGreaterThanOrEqual(3);
    const stats = await stub.stats();
    expect(stats.buffered.LOW.rows).toBe(result.accepted);
    expect(stats.counters.shed).toEqual({ over_buffer_cap: { LOW: result.shed } });
    expect(stats.counters.received).toBe(result.accepted);
  });

  it("keeps CRITICAL and HIGH past their caps, shedding buffered LOW first and then NORMAL", async () => {
    const { timestamp } = testDay(502);
    const stub = collector("overflow-high");
    await overrideCollectorConfig(stub, (c) => ({ ...c, bufferCaps: { ...c.bufferCaps, 1: SIZE * 2 } }));
    // One event per call, hence per buffer row: shedding frees whole rows, oldest first.
    for (const level of [3, 3, 3, 2, 2, 2] as const)
      await stub.ingest({ events: wireEvents(1, { importance: level, timestamp, bytes: SIZE }) });

    // 6 HIGH events: 2 fit under the cap; the other 4 need room: all 3 LOW rows go, then NORMAL.
    const high = await stub.ingest({ events: wireEvents(6, { importance: 1, timestamp, bytes: SIZE }) });
    expect(high).toEqual({ accepted: 6, duplicates: 0, shed: 4 });
    const stats = await stub.stats();
    expect(stats.buffered.HIGH.rows).toBe(6);
    expect(stats.buffered.LOW.rows).toBe(0);
    expect(stats.buffered.NORMAL.rows).toBe(2);
    expect(stats.counters.shed).toEqual({ room_for_critical_high: { LOW: 3, NORMAL: 1 } });
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
