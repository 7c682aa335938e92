import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MAX_NAMED_HOURS } from "../collector-do/archived-hours";
import { archivedAtOf } from "../tail-worker/query/archived-hours";
import { collector } from "./helpers/collector";
import { wireEvents } from "./helpers/wire-events";

// What a collector tells queries about its recent flushes: the importance-hours they archived
// into, so that a query does not trust a listing of such an hour kept from before.

const HOUR = 3_600_000;

describe("TailCollector: hours archived into lately", () => {
  it("names each importance-hour a flush archived into, with buffered events and in snapshots, across a restart", async () => {
    const stub = collector("archived-hours-named");
    const hour = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
    await stub.ingest({
      events: [...wireEvents(2, { timestamp: hour + 5 }), ...wireEvents(1, { timestamp: hour + HOUR + 5, importance: 0 })],
    });
    expect((await stub.bufferedEvents(1_000_000)).archived).toEqual({ hours: [] });
    const before = Date.now();
    expect((await stub.flush()).objects).toHaveLength(2);
    await evictDurableObject(stub);

    const restarted = collector("archived-hours-named");
    const { archived } = await restarted.bufferedEvents(1_000_000);
    const named = archived.hours.map(({ importance, hourStart }) => ({ importance, hourStart }));
    expect(named.sort((a, b) => a.hourStart - b.hourStart)).toEqual([
      { importance: 2, hourStart: hour },
      { importance: 0, hourStart: hour + HOUR },
    ]);
    for (const { at } of archived.hours) expect(at).toBeGreaterThanOrEqual(before);
    const snapshot = await restarted.rollupSnapshot({ from: hour, to: hour + 2 * HOUR, includeBuffered: false, maxBufferedBytes: 0 });
    expect(snapshot.archived).toEqual(archived);
  });

  it(`names at most ${MAX_NAMED_HOURS} hours and says when it archived into the others`, async () => {
    const stub = collector("archived-hours-bounded");
    const first = Math.floor(Date.now() / HOUR) * HOUR - (MAX_NAMED_HOURS + 10) * HOUR;
    const events = Array.from({ length: MAX_NAMED_HOURS + 3 }, (_, i) => wireEvents(1, { timestamp: first + i * HOUR + 5 })).flat();
    await stub.ingest({ events });
    const report = await stub.flush();
    expect(report.errors).toEqual([]);
    expect(report.objects).toHaveLength(MAX_NAMED_HOURS + 3);

    const { archived } = await stub.bufferedEvents(1_000_000);
    expect(archived.hours).toHaveLength(MAX_NAMED_HOURS);
    expect(archived.othersAt).toBe(archived.hours[0]!.at);
  });

  it("lets a query go on when a collector of an earlier version names no hours (during a deploy)", () => {
    const at = archivedAtOf([undefined, { hours: [{ importance: 2, hourStart: HOUR, at: 5 }] }, { hours: [], othersAt: 3 }]);
    expect(at(2, HOUR)).toBe(5);
    expect(at(1, HOUR)).toBe(3);
  });
});
