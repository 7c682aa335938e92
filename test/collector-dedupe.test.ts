import { abortAllDurableObjects } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { collector, testDay } from "./helpers/collector";
import { archivedIds, wireEvents } from "./helpers/wire-events";

// A batch delivered twice (a retried call whose answer was lost) is archived once.
describe("TailCollector deduplication", () => {
  it("ignores a batch delivered twice", async () => {
    const { timestamp, prefix } = testDay(401);
    const stub = collector("dedupe-twice");
    const events = wireEvents(8, { importance: 2, timestamp });
    expect(await stub.ingest({ events })).toEqual({ accepted: 8, duplicates: 0, shed: 0 });
    expect(await stub.ingest({ events })).toEqual({ accepted: 0, duplicates: 8, shed: 0 });

    await stub.flush();
    expect((await archivedIds(env.ARCHIVE, prefix)).sort()).toEqual(events.map((e) => e.id).sort());
    expect((await stub.stats()).counters.duplicates).toBe(8);
  });

  it("stores only the new events of a partly repeated batch", async () => {
    const { timestamp } = testDay(402);
    const stub = collector("dedupe-partial");
    const first = wireEvents(4, { timestamp });
    const second = [...first.slice(2), ...wireEvents(3, { timestamp })];
    await stub.ingest({ events: first });
    expect(await stub.ingest({ events: second })).toEqual({ accepted: 3, duplicates: 2, shed: 0 });
  });

  it("remembers ids across a restart, both still buffered and already flushed", async () => {
    const { timestamp, prefix } = testDay(403);
    const buffered = wireEvents(3, { importance: 3, timestamp });
    const flushed = wireEvents(3, { importance: 0, timestamp });
    const stub = collector("dedupe-restart");
    await stub.ingest({ events: [...buffered, ...flushed] });
    // The flush archives the row; its ids are kept with it for the deduplication window.
    await stub.flush();
    await stub.ingest({ events: buffered.map((e) => ({ ...e, id: `${e.id}-late` })) });
    await abortAllDurableObjects();

    const restarted = collector("dedupe-restart");
    const retried = [...buffered, ...flushed, ...buffered.map((e) => ({ ...e, id: `${e.id}-late` }))];
    expect(await restarted.ingest({ events: retried })).toEqual({ accepted: 0, duplicates: 9, shed: 0 });
    await restarted.flush();
    expect((await archivedIds(env.ARCHIVE, prefix)).length).toBe(9);
  });
});
