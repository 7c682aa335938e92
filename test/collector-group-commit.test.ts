import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { GroupCommit } from "../collector-do/group-commit";
import type { TailCollector } from "../collector-do/tail-collector";
import type { IngestBatch, IngestResult } from "../schemas/collector-rpc";
import { readArchives } from "./helpers/archive";
import { bufferRowCount, collector, overrideCollectorConfig, testDay } from "./helpers/collector";
import { archivedIds, wireEvents } from "./helpers/wire-events";

// Concurrent ingests share one SQLite row: a group stays open for a short linger, is written once,
// and only then is each of its calls answered. Here the linger is held open by the test (a gate)
// instead of a timer, so which calls share a group never depends on timing.

type Group = GroupCommit<IngestBatch, unknown>;

/** Holds the collector's ingest groups open until `release()`; answers how to wait for N calls to join. */
async function holdGroups(stub: DurableObjectStub<TailCollector>) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await runInDurableObject(stub, (instance: TailCollector) => {
    const group = (instance as unknown as { ingestGroup: Group }).ingestGroup;
    group.wait = () => gate;
    group.lingerAlone = true;
  });
  const joined = async (calls: number) => {
    for (;;) {
      const waiting = await runInDurableObject(
        stub,
        (instance: TailCollector) => (instance as unknown as { ingestGroup: Group }).ingestGroup.waiting,
      );
      if (waiting >= calls) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { release, joined };
}

const changes = (stub: DurableObjectStub<TailCollector>) =>
  runInDurableObject(stub, (_instance: TailCollector, state) => Number(state.storage.sql.exec("SELECT total_changes() AS n").one().n));

describe("group commit", () => {
  it("writes concurrent calls as one row and answers each only after it", async () => {
    const { timestamp, prefix } = testDay(701);
    const stub = collector("group-one-row");
    const { release, joined } = await holdGroups(stub);
    const batches = [
      wireEvents(3, { importance: 2, timestamp }),
      wireEvents(4, { importance: 3, timestamp }),
      wireEvents(2, { importance: 2, timestamp }),
    ];
    const before = await changes(stub);
    const answered: number[] = [];
    const calls = batches.map(async (events, i) => {
      const result = await stub.ingest({ events });
      answered.push(i);
      return result;
    });
    await joined(3);
    // Nothing is acknowledged, nor written, while the group lingers.
    expect(answered).toEqual([]);
    expect(await bufferRowCount(stub)).toBe(0);
    release();
    expect(await Promise.all(calls)).toEqual(batches.map((b) => ({ accepted: b.length, duplicates: 0, shed: 0 })));
    // One buffer row, plus the alarm.
    expect(await bufferRowCount(stub)).toBe(1);
    expect((await changes(stub)) - before).toBe(2);

    await stub.flush();
    expect((await archivedIds(env.ARCHIVE, prefix)).sort()).toEqual(
      batches
        .flat()
        .map((e) => e.id)
        .sort(),
    );
  });

  it("loses nothing acknowledged when the object is aborted while a group lingers; the unacknowledged call's retry is stored once", async () => {
    const { timestamp, prefix } = testDay(702);
    const stub = collector("group-eviction");
    const acknowledged = wireEvents(5, { importance: 2, timestamp });
    expect(await stub.ingest({ events: acknowledged })).toEqual({ accepted: 5, duplicates: 0, shed: 0 });

    const { joined } = await holdGroups(stub);
    const lingering = wireEvents(4, { importance: 2, timestamp });
    const call = stub.ingest({ events: lingering }).then(
      (result: IngestResult) => ({ result }),
      (error: unknown) => ({ error }),
    );
    await joined(1);
    // The object goes away with the call still waiting in its group (evictDurableObject would wait for it).
    await abortAllDurableObjects();
    expect(await call).toHaveProperty("error");

    // The tail worker retries with the same ids: stored now, and only now.
    const restarted = collector("group-eviction");
    expect((await restarted.stats()).buffered.NORMAL.events).toBe(5);
    expect(await restarted.ingest({ events: lingering })).toEqual({ accepted: 4, duplicates: 0, shed: 0 });
    expect(await restarted.ingest({ events: lingering })).toEqual({ accepted: 0, duplicates: 4, shed: 0 });
    await restarted.flush();
    expect((await archivedIds(env.ARCHIVE, prefix)).sort()).toEqual([...acknowledged, ...lingering].map((e) => e.id).sort());
  });

  it("answers each call of a group mixing duplicates, shed and fresh batches as if it came alone", async () => {
    const { timestamp, prefix } = testDay(703);
    const stub = collector("group-mixed");
    const SIZE = 400;
    // Room for four events, less the comma the stored ones are joined with: the overflowing call's third does not fit.
    await overrideCollectorConfig(stub, (c) => ({ ...c, bufferCaps: { ...c.bufferCaps, 3: SIZE * 4 + 100 } }));
    const earlier = wireEvents(2, { importance: 3, timestamp, bytes: SIZE });
    await stub.ingest({ events: earlier });

    const { release, joined } = await holdGroups(stub);
    const repeat = earlier; // a retried call: all duplicates
    const overflowing = wireEvents(3, { importance: 3, timestamp, bytes: SIZE }); // 2 fit under the LOW cap, 1 shed
    const fresh = wireEvents(3, { importance: 2, timestamp });
    const partlyRepeated = [...fresh.slice(1), ...wireEvents(1, { importance: 2, timestamp })]; // repeats 2 ids of this very group
    const calls = [repeat, overflowing, fresh, partlyRepeated].map((events) => stub.ingest({ events }));
    await joined(4);
    const before = await changes(stub);
    release();
    expect(await Promise.all(calls)).toEqual([
      { accepted: 0, duplicates: 2, shed: 0 },
      { accepted: 2, duplicates: 0, shed: 1 },
      { accepted: 3, duplicates: 0, shed: 0 },
      { accepted: 1, duplicates: 2, shed: 0 },
    ]);
    expect((await changes(stub)) - before).toBe(1);
    const stats = await stub.stats();
    expect(stats.counters).toMatchObject({ received: 2 + 2 + 3 + 1, duplicates: 4, shed: { over_buffer_cap: { LOW: 1 } } });

    // The shed event's id is remembered with the group's row: its retry is a duplicate.
    await evictDurableObject(stub);
    expect(await collector("group-mixed").ingest({ events: [overflowing[2]!] })).toEqual({ accepted: 0, duplicates: 1, shed: 0 });
    await collector("group-mixed").flush();
    const archived = await archivedIds(env.ARCHIVE, prefix);
    expect(archived.sort()).toEqual([...earlier, ...overflowing.slice(0, 2), ...fresh, partlyRepeated[2]!].map((e) => e.id).sort());
  });

  it("flushes at once when the group as a whole crosses a threshold", async () => {
    const { timestamp, prefix } = testDay(704);
    const stub = collector("group-threshold");
    const { release, joined } = await holdGroups(stub);
    // CRITICAL flushes at 10 events: each call alone stays under it, the three together cross it.
    const batches = [4, 4, 3].map((n) => wireEvents(n, { importance: 0, timestamp }));
    const calls = batches.map((events) => stub.ingest({ events }));
    await joined(3);
    release();
    await Promise.all(calls);
    const stats = await stub.stats();
    expect(Date.parse(stats.nextFlushAt!)).toBeLessThanOrEqual(Date.now());
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const archives = await readArchives(env.ARCHIVE, prefix);
    expect(archives).toHaveLength(1);
    expect(archives[0]!.events.map((e) => e.id)).toEqual(batches.flat().map((e) => e.id));
  });
});
