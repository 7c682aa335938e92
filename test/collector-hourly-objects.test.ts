import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { HOUR_MS, utcHourStart } from "../schemas/archive/partition";
import type { Importance } from "../schemas/importance";
import { readArchives } from "./helpers/archive";
import { collector, injectBucketFaults } from "./helpers/collector";
import { wireEvents } from "./helpers/wire-events";

const MINUTE = 60_000;

/** Events at the given times, one call each, of one importance. */
function eventsAt(times: readonly number[], importance: Importance) {
  return times.map((timestamp) => wireEvents(1, { importance, timestamp })[0]!);
}

// An archive object holds the events of one UTC hour, so a reader seeks by hour: the key's date
// and HH are that hour's, and firstEventAt / lastEventAt lie within it.
describe("archive objects bounded by the UTC hour", () => {
  it("flushes a buffer spanning several hours and a day boundary into one object per hour", async () => {
    const base = Date.UTC(2003, 2, 9, 22, 0, 0);
    const times = [
      base + 5 * MINUTE,
      base + 59 * MINUTE + 59_999,
      base + HOUR_MS, // 23:00: the next hour
      base + HOUR_MS + 30 * MINUTE,
      base + 2 * HOUR_MS + 1, // 00:00 of the next day
      base + 3 * HOUR_MS + 45 * MINUTE,
      base + 20 * MINUTE, // late: back in the first hour
    ];
    const events = eventsAt(times, 2);
    const stub = collector("hourly-objects");
    // Two calls, so that rows of one hour arrive on both sides of other hours' rows.
    await stub.ingest({ events: events.slice(0, 4) });
    await stub.ingest({ events: events.slice(4) });
    const report = await stub.flush();
    expect(report.errors).toEqual([]);

    const archives = [
      ...(await readArchives(env.ARCHIVE, "tail-events/2003-03-09/")),
      ...(await readArchives(env.ARCHIVE, "tail-events/2003-03-10/")),
    ];
    const byHour = new Map(archives.map((a) => [a.key.split("/")[1] + a.key.split("/")[3]!.slice(0, 2), a]));
    expect([...byHour.keys()].sort()).toEqual(["2003-03-0922", "2003-03-0923", "2003-03-1000", "2003-03-1001"]);
    expect(archives).toHaveLength(4);
    const expected = (hour: number) => events.filter((e) => utcHourStart(e.timestamp) === base + hour * HOUR_MS).map((e) => e.id);
    expect(byHour.get("2003-03-0922")!.events.map((e) => e.id)).toEqual(expected(0));
    expect(byHour.get("2003-03-0922")!.events).toHaveLength(3);
    expect(byHour.get("2003-03-0923")!.events.map((e) => e.id)).toEqual(expected(1));
    expect(byHour.get("2003-03-1000")!.events.map((e) => e.id)).toEqual(expected(2));
    expect(byHour.get("2003-03-1001")!.events.map((e) => e.id)).toEqual(expected(3));
    for (const archive of archives) expectWithinItsHour(archive.key, archive.customMetadata);
  });

  it("splits a backlog buffered while R2 was down into per-hour objects once it recovers", async () => {
    const base = Date.UTC(2003, 2, 12, 10, 0, 0);
    const stub = collector("hourly-backlog");
    await injectBucketFaults(stub, { failBeforeWrite: 2 });
    const batches = [0, 1, 2, 3, 4].map((hour) =>
      eventsAt([base + hour * HOUR_MS + 10 * MINUTE, base + hour * HOUR_MS + 50 * MINUTE], hour % 2 === 0 ? 3 : 1),
    );
    await stub.ingest({ events: batches.slice(0, 2).flat() });
    // The outage: the flush fails and its plan, covering hours 10 and 11, is kept.
    expect((await stub.flush()).errors).toHaveLength(2);
    await stub.ingest({ events: batches.slice(2).flat() });
    await injectBucketFaults(stub, {});
    expect((await stub.flush()).errors).toEqual([]);
    // The replayed plan wrote hours 10 and 11; what came during the outage follows.
    await stub.flush();

    const archives = await readArchives(env.ARCHIVE, "tail-events/2003-03-12/");
    expect(archives.map((a) => a.key.split("/").slice(2).join("/").slice(0, 18)).sort()).toEqual([
      "importance-1/11-10",
      "importance-1/13-10",
      "importance-3/10-10",
      "importance-3/12-10",
      "importance-3/14-10",
    ]);
    for (const archive of archives) {
      expect(archive.events).toHaveLength(2);
      expectWithinItsHour(archive.key, archive.customMetadata);
    }
    expect((await stub.stats()).counters.archived).toBe(10);
  });
});

function expectWithinItsHour(key: string, metadata: Record<string, string>): void {
  const [, day, , file] = key.split("/");
  const hourStart = Date.parse(`${day}T${file!.slice(0, 2)}:00:00Z`);
  for (const field of ["firstEventAt", "lastEventAt"]) {
    const at = Date.parse(metadata[field]!);
    expect(at, `${key} ${field}`).toBeGreaterThanOrEqual(hourStart);
    expect(at, `${key} ${field}`).toBeLessThan(hourStart + HOUR_MS);
  }
  expect(key.split("/")[3]!.slice(0, 5)).toBe(metadata.firstEventAt!.slice(11, 16).replace(":", "-"));
}
