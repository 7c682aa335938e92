import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { collector, injectBucketFaults, testDay } from "./helpers/collector";
import { archivedIds, wireEvents } from "./helpers/wire-events";

// Ingests keep being accepted while a flush waits on R2; none is lost and none archived twice.
describe("TailCollector ingesting during a slow flush", () => {
  it("archives events that arrived while R2 was slow exactly once, in a later object", async () => {
    const { timestamp, prefix } = testDay(301);
    const stub = collector("slow-r2");
    const before = wireEvents(6, { importance: 2, timestamp });
    await stub.ingest({ events: before });

    let release!: () => void;
    const faulty = await injectBucketFaults(stub, { gate: new Promise((r) => (release = r)) });
    const slowFlush = stub.flush();
    while (faulty.attempts.length === 0) await new Promise((r) => setTimeout(r, 5));

    const during = [wireEvents(4, { importance: 2, timestamp }), wireEvents(3, { importance: 2, timestamp })];
    for (const events of during) expect((await stub.ingest({ events })).accepted).toBe(events.length);
    release();
    const first = await slowFlush;
    expect(first.events).toBe(6);

    const second = await stub.flush();
    expect(second.events).toBe(7);
    const all = [...before, ...during.flat()].map((e) => e.id).sort();
    expect((await archivedIds(env.ARCHIVE, prefix)).sort()).toEqual(all);
    expect((await stub.stats()).buffered.NORMAL.events).toBe(0);
  });

  it("serialises two flushes of the same importance instead of writing the same events twice", async () => {
    const { timestamp, prefix } = testDay(302);
    const stub = collector("double-flush");
    const events = wireEvents(5, { importance: 3, timestamp });
    await stub.ingest({ events });

    const [a, b] = await Promise.all([stub.flush(), stub.flush()]);
    expect(a.events + b.events).toBe(5);
    expect((await archivedIds(env.ARCHIVE, prefix)).sort()).toEqual(events.map((e) => e.id).sort());
  });
});
