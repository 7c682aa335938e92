import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TailCollector } from "../collector-do/tail-collector";
import { collectorTag } from "../schemas/archive/key";
import { HOUR_MS } from "../schemas/archive/partition";
import type { EventEnvelope } from "../schemas/event-envelope";
import { DDSketch, RELATIVE_ACCURACY } from "../schemas/lib/quantile-sketch";
import type { RollupFile } from "../schemas/rollup/rollup-format";
import { readArchives } from "./helpers/archive";
import { abortMidFlush, collector, injectBucketFaults } from "./helpers/collector";
import { countByHand, flatRollups, sortedCounts, storedRollups, variedEnvelopes, wireEventOf } from "./helpers/rollup-events";

const MINUTE = 60_000;

/** The collector's rollups in R2, of the days given (`YYYY-MM-DD`). */
async function rollupsOf(stub: DurableObjectStub<TailCollector>, days: readonly string[]): Promise<RollupFile[]> {
  const tag = collectorTag(stub.id.toString());
  const files = [];
  for (const day of days) files.push(...(await storedRollups(env.ARCHIVE, `tail-rollups/${day}/`)));
  return files.filter((f) => f.collector === tag);
}

/** Every event the collector archived on those days, read back from its objects. */
async function archivedOn(stub: DurableObjectStub<TailCollector>, days: readonly string[]): Promise<EventEnvelope[]> {
  const tag = collectorTag(stub.id.toString());
  const events = [];
  for (const day of days) {
    for (const archive of await readArchives(env.ARCHIVE, `tail-events/${day}/`)) {
      if (archive.key.split("/")[3]!.slice(6).startsWith(tag)) events.push(...archive.events);
    }
  }
  return events;
}

/** Runs the collector's rollup writer as if `at` had come (writes are due once a minute). */
function writeRollupsAt(stub: DurableObjectStub<TailCollector>, at: number): Promise<void> {
  return runInDurableObject(stub, (instance: TailCollector) =>
    (instance as unknown as { rollups: { afterFlush(now: number): Promise<void> } }).rollups.afterFlush(at),
  );
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// A collector's rollups count exactly the events it archived, per hour, minute, importance, type,
// script, kind and invocation outcome, stored and weighted, whatever fails around the flush.
describe("collector rollups", () => {
  it("count every archived event once, per hour and minute, over several hours and a day boundary", async () => {
    const base = Date.UTC(2004, 1, 28, 22, 0, 0);
    const times = Array.from({ length: 120 }, (_, i) => base + ((i * 97 * MINUTE) % (3 * HOUR_MS)) + (i % 60) * 1000);
    const events = variedEnvelopes(times);
    const stub = collector("rollups-hours");
    await stub.ingest({ events: events.slice(0, 70).map(wireEventOf) });
    expect((await stub.flush()).errors).toEqual([]);
    await stub.ingest({ events: events.slice(70).map(wireEventOf) });
    expect((await stub.flush()).errors).toEqual([]);
    await writeRollupsAt(stub, Date.now() + 2 * MINUTE);

    const days = [dayOf(base), dayOf(base + 3 * HOUR_MS)];
    const archived = await archivedOn(stub, days);
    expect(archived).toHaveLength(events.length);
    const files = await rollupsOf(stub, days);
    expect(files.map((f) => f.hour).sort()).toEqual([0, 1, 2].map((h) => new Date(base + h * HOUR_MS).toISOString()));
    expect(sortedCounts(flatRollups(files))).toEqual(sortedCounts(countByHand(archived)));
    expect(files.every((f) => f.complete)).toBe(true);
    // Two flushes touched these hours: each file names the later commit.
    expect(Math.max(...files.map((f) => f.lastCommit))).toBeGreaterThanOrEqual(2);

    // Invocation wall times: the sketch of an hour is within the documented error of the exact percentile.
    const hour = base + HOUR_MS;
    const invocations = archived.filter((e) => e.kind === "invocation" && Math.floor(e.timestamp / HOUR_MS) * HOUR_MS === hour);
    const sketch = new DDSketch();
    for (const s of files.find((f) => Date.parse(f.hour) === hour)!.sketches) if (s.metric === "wallTime") sketch.merge(s.sketch);
    const walls = invocations.map((e) => (e.data as { wallTime: number }).wallTime).sort((a, b) => a - b);
    const exact = walls[Math.ceil(0.95 * walls.length) - 1]!;
    expect(Math.abs(sketch.quantile(0.95)! - exact)).toBeLessThanOrEqual(RELATIVE_ACCURACY * exact);
    expect(sketch.total).toBe(invocations.length);
  });

  it("count a backlog archived after an R2 outage once, and a flush replayed after a lost answer once", async () => {
    const base = Date.UTC(2004, 2, 3, 8, 0, 0);
    const stub = collector("rollups-outage");
    await injectBucketFaults(stub, { failBeforeWrite: 3 });
    const events = variedEnvelopes(Array.from({ length: 90 }, (_, i) => base + i * 4 * MINUTE + 7_000));
    for (let i = 0; i < events.length; i += 15) {
      await stub.ingest({ events: events.slice(i, i + 15).map(wireEventOf) });
      await runDurableObjectAlarm(stub);
    }
    while ((await stub.stats()).counters.archived < events.length) {
      const report = await stub.flush();
      if (report.errors.length > 0) continue;
    }
    // A flush whose writes reached R2 but whose answer was lost is replayed under the same keys.
    const more = variedEnvelopes(Array.from({ length: 20 }, (_, i) => base + 7 * HOUR_MS + i * MINUTE));
    await stub.ingest({ events: more.map(wireEventOf) });
    await injectBucketFaults(stub, { failAfterWrite: 1 });
    expect((await stub.flush()).errors).toHaveLength(1);
    expect((await stub.flush()).errors).toEqual([]);
    await writeRollupsAt(stub, Date.now() + 2 * MINUTE);

    const days = [dayOf(base)];
    const archived = await archivedOn(stub, days);
    expect(archived).toHaveLength(events.length + more.length);
    const files = await rollupsOf(stub, days);
    expect(files).toHaveLength(7);
    expect(sortedCounts(flatRollups(files))).toEqual(sortedCounts(countByHand(archived)));
  });

  it("loses and doubles nothing when the object goes away between a commit and its rollup write", async () => {
    const base = Date.UTC(2004, 2, 5, 14, 0, 0);
    const stub = collector("rollups-evicted");
    const first = variedEnvelopes(Array.from({ length: 30 }, (_, i) => base + i * MINUTE));
    await stub.ingest({ events: first.map(wireEventOf) });
    expect((await stub.flush()).errors).toEqual([]);
    await writeRollupsAt(stub, Date.now());
    // The next commit is not written: the rollup write fails, then the object is evicted.
    const faulty = await injectBucketFaults(stub, { failBeforeWrite: 1, only: (key) => key.startsWith("tail-rollups/") });
    const second = variedEnvelopes(Array.from({ length: 25 }, (_, i) => base + 30 * MINUTE + i * MINUTE));
    await stub.ingest({ events: second.map(wireEventOf) });
    expect((await stub.flush()).errors).toEqual([]);
    await writeRollupsAt(stub, Date.now() + 2 * MINUTE);
    expect(faulty.attempts).toHaveLength(1);
    await evictDurableObject(stub);

    // Restarted, it writes the hour whole from its state row, once more after that changes nothing.
    await writeRollupsAt(stub, Date.now() + 4 * MINUTE);
    await writeRollupsAt(stub, Date.now() + 6 * MINUTE);
    const archived = await archivedOn(stub, [dayOf(base)]);
    expect(archived).toHaveLength(55);
    const files = await rollupsOf(stub, [dayOf(base)]);
    expect(files).toHaveLength(1);
    expect(sortedCounts(flatRollups(files))).toEqual(sortedCounts(countByHand(archived)));
  });

  it("counts a flush aborted mid-write once its replay commits", async () => {
    const base = Date.UTC(2004, 2, 6, 9, 0, 0);
    const name = "rollups-aborted";
    const stub = collector(name);
    const events = variedEnvelopes(Array.from({ length: 40 }, (_, i) => base + i * 30_000));
    await stub.ingest({ events: events.map(wireEventOf) });
    await abortMidFlush(stub);
    const restarted = collector(name);
    expect(await runDurableObjectAlarm(restarted)).toBe(true);
    await restarted.flush();
    await writeRollupsAt(restarted, Date.now() + 2 * MINUTE);
    const archived = await archivedOn(restarted, [dayOf(base)]);
    expect(archived).toHaveLength(events.length);
    expect(sortedCounts(flatRollups(await rollupsOf(restarted, [dayOf(base)])))).toEqual(sortedCounts(countByHand(archived)));
  });

  it("counts events archived after their hour was written and let go in a new segment of that hour", async () => {
    const base = Date.UTC(2004, 2, 8, 3, 0, 0);
    const stub = collector("rollups-late");
    const early = variedEnvelopes(Array.from({ length: 20 }, (_, i) => base + i * 2 * MINUTE));
    await stub.ingest({ events: early.map(wireEventOf) });
    await stub.flush();
    // Written, its hour long over and the segment ten minutes old: it leaves the state row.
    await writeRollupsAt(stub, Date.now() + 11 * MINUTE);
    const open = await runInDurableObject(stub, (instance: TailCollector) =>
      (instance as unknown as { state: { rollups: { openHours(a: number, b: number): unknown[] } } }).state.rollups.openHours(
        0,
        Date.now(),
      ),
    );
    expect(open).toEqual([]);
    const [first] = await rollupsOf(stub, [dayOf(base)]);

    const late = variedEnvelopes(Array.from({ length: 9 }, (_, i) => base + 50 * MINUTE + i * 1000));
    await stub.ingest({ events: late.map(wireEventOf) });
    await stub.flush();
    await writeRollupsAt(stub, Date.now() + 13 * MINUTE);
    const archived = await archivedOn(stub, [dayOf(base)]);
    expect(archived).toHaveLength(29);
    const files = await rollupsOf(stub, [dayOf(base)]);
    expect(files).toHaveLength(2);
    // The first segment is as it was; the second starts at the commit that opened it.
    expect(files.find((f) => f.firstCommit === first!.firstCommit)).toEqual(first);
    expect(files.map((f) => f.firstCommit).sort()).toEqual([1, 2]);
    expect(sortedCounts(flatRollups(files))).toEqual(sortedCounts(countByHand(archived)));
  });

  it("marks the hours a collector archived into before it kept rollups as incomplete", async () => {
    const stub = collector("rollups-upgraded");
    // A state row saved by a collector without rollups: it may have archived into this hour already.
    await runInDurableObject(stub, (_instance: TailCollector, state) => {
      const saved = JSON.parse(String(state.storage.sql.exec("SELECT value FROM meta WHERE key = 'state'").one().value));
      delete saved.rollups;
      state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'state'", JSON.stringify(saved));
    });
    await evictDurableObject(stub);
    const now = Date.now();
    const thisHour = Math.floor(now / HOUR_MS) * HOUR_MS;
    const events = variedEnvelopes([now - 1000, thisHour + HOUR_MS + 1000]);
    await stub.ingest({ events: events.map(wireEventOf) });
    await stub.flush();
    await writeRollupsAt(stub, Date.now() + 2 * MINUTE);
    const files = await rollupsOf(stub, [dayOf(thisHour), dayOf(thisHour + HOUR_MS)]);
    expect(Object.fromEntries(files.map((f) => [Date.parse(f.hour), f.complete]))).toEqual({
      [thisHour]: false,
      [thisHour + HOUR_MS]: true,
    });
  });
});
