import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { BasinLimits } from "../collector-do/basin/basin-delivery";
import type { CollectorState } from "../collector-do/collector-state";
import type { TailCollector } from "../collector-do/tail-collector";
import { recordProblems, STREAM_SCHEMA } from "../schemas/basin/stream-schema";
import { mergeShardStats } from "../tail-worker/http/merge-shards";
import { collector, injectBucketFaults, testDay } from "./helpers/collector";
import { toWireEvents } from "./helpers/pipeline";
import { basinSettled, bindBasin, type RecordingStream, sentIds } from "./helpers/recording-stream";
import { trafficMix } from "./helpers/traffic-mix";
import { archivedIds, wireEvents } from "./helpers/wire-events";

// Every archived event goes to the Basin stream once its archive object is committed: a failing
// stream never holds up archiving, what is still to send survives an eviction, and delivery is at
// least once (a record's `id` tells copies apart). The pipelines binding is a no-op locally, so
// what is sent is observed through a wrapper of the real binding (helpers/recording-stream.ts).

type Stub = DurableObjectStub<TailCollector>;

/** Quick retries and backoff, so that tests need not wait seconds for an alarm to be due. */
async function quickRetries(stub: Stub, overrides: Partial<BasinLimits> = {}): Promise<void> {
  await runInDurableObject(stub, (instance: TailCollector) => {
    instance.basin.limits = {
      ...instance.basin.limits,
      sendRetry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      backoff: { baseDelayMs: 1, maxDelayMs: 1, minDelayMs: 0 },
      ...overrides,
    };
  });
}

/** Runs the alarm once its backoff (a millisecond here) has passed, then waits for the delivery it starts. */
async function retryFromAlarm(stub: Stub): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  expect(await runDurableObjectAlarm(stub)).toBe(true);
  await basinSettled(stub);
}

/** The running collector's Basin state (private to it: tests reach in to shorten a backoff). */
const basinState = (instance: TailCollector) => (instance as unknown as { state: CollectorState }).state.basin!;

const basinOf = async (stub: Stub) => (await stub.stats()).counters.basin;
const sorted = (ids: readonly string[]) => [...ids].sort();

function expectValid(recorder: RecordingStream): void {
  for (const record of recorder.sends.flat()) expect(recordProblems(STREAM_SCHEMA.fields, record), record.id).toEqual([]);
}

describe("Basin delivery", () => {
  it("sends every archived event once, after its object is committed, as records of the stream's schema", async () => {
    const { timestamp, prefix } = testDay(601);
    const stub = collector("basin-delivers");
    const recorder = await bindBasin(stub);
    const events = toWireEvents(trafficMix({ start: timestamp, invocations: 40, stepMs: 1_000, seed: 3 }));
    await stub.ingest({ events });
    const report = await stub.flush();
    expect(report.errors).toEqual([]);
    await basinSettled(stub);

    const archived = await archivedIds(env.ARCHIVE, prefix);
    expect(archived).toHaveLength(events.length);
    expect(sorted(sentIds(recorder))).toEqual(sorted(archived));
    expectValid(recorder);
    const keys = new Set(report.objects.map((o) => o.key));
    for (const record of recorder.sends.flat()) expect(keys.has(record.archive_key)).toBe(true);
    expect(await basinOf(stub)).toMatchObject({ sent: events.length, failed: 0, retried: 0, pendingObjects: 0, pendingEvents: 0 });
  });

  it("sends nothing while no stream is bound, and only what is archived once one is", async () => {
    const { timestamp, prefix } = testDay(602);
    const stub = collector("basin-unbound");
    await stub.ingest({ events: wireEvents(5, { timestamp }) });
    await stub.flush();
    expect(await basinOf(stub)).toMatchObject({ sent: 0, pendingObjects: 0, pendingEvents: 0 });

    const recorder = await bindBasin(stub);
    const later = wireEvents(4, { timestamp });
    await stub.ingest({ events: later });
    await stub.flush();
    await basinSettled(stub);
    expect(sorted(sentIds(recorder))).toEqual(sorted(later.map((e) => e.id)));
    expect(await archivedIds(env.ARCHIVE, prefix)).toHaveLength(9);
  });

  it("archives whatever the stream does, and retries a failed send with backoff from the alarm", async () => {
    const { timestamp, prefix } = testDay(603);
    const stub = collector("basin-fails");
    // Every attempt of the first pass fails (three tries, real delays), then the stream recovers.
    const recorder = await bindBasin(stub, { failBeforeSend: 3 });
    const events = wireEvents(12, { timestamp });
    await stub.ingest({ events });
    const failedAt = Date.now();
    const report = await stub.flush();
    expect(report.errors).toEqual([]);
    expect(sorted(await archivedIds(env.ARCHIVE, prefix))).toEqual(sorted(events.map((e) => e.id)));
    await basinSettled(stub);

    const stats = await basinOf(stub);
    expect(stats).toMatchObject({ sent: 0, failed: 36, retried: 24, pendingObjects: 1, pendingEvents: 12 });
    expect(stats.lastError?.message).toContain("injected Basin failure");
    const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    // The first backoff: jittered between the 1 s floor and 5 s.
    expect(alarm! - failedAt).toBeGreaterThanOrEqual(1_000);
    expect(alarm! - Date.now()).toBeLessThanOrEqual(5_000);
    expect((await stub.stats()).counters.archived).toBe(12);

    // The alarm retries once the backoff is over (shortened here), and everything goes, once.
    await runInDurableObject(stub, (instance: TailCollector) => {
      basinState(instance).backoff.notBefore = Date.now();
    });
    await retryFromAlarm(stub);
    expect(sorted(sentIds(recorder))).toEqual(sorted(events.map((e) => e.id)));
    expect(await basinOf(stub)).toMatchObject({ sent: 12, failed: 36, retried: 36, pendingObjects: 0, pendingEvents: 0 });
  });

  it("keeps the alarm at the end of its backoff when a flush alarm fires first", async () => {
    const { timestamp } = testDay(612);
    const stub = collector("basin-backoff-alarm");
    await bindBasin(stub, { failBeforeSend: 100 });
    await quickRetries(stub, { backoff: { baseDelayMs: 5_000, maxDelayMs: 300_000, minDelayMs: 1_000 } });
    await stub.ingest({ events: wireEvents(3, { timestamp }) });
    await stub.flush();
    await basinSettled(stub);
    const notBefore = await runInDurableObject(stub, (instance: TailCollector) => basinState(instance).backoff.notBefore);
    expect(notBefore - Date.now()).toBeGreaterThan(500);
    // LOW events due in 30 s, then the alarm fires early (as one due for a flush would): the next one is still the backoff's end.
    await stub.ingest({ events: wireEvents(2, { timestamp, importance: 3 }) });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await basinSettled(stub);
    expect(await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm())).toBe(notBefore);
  });

  it("keeps what is still to send across an eviction, and resumes where the last saved progress left off", async () => {
    const { timestamp } = testDay(604);
    const name = "basin-evicted";
    const stub = collector(name);
    await bindBasin(stub, {
      beforeSend: (call) => {
        if (call > 2) throw new Error("stream down");
      },
    });
    // Small sends: the object takes several, and the third fails.
    await quickRetries(stub, { sendBytes: 2_000 });
    const events = wireEvents(30, { timestamp, bytes: 300 });
    await stub.ingest({ events });
    await stub.flush();
    await basinSettled(stub);
    const before = await basinOf(stub);
    expect(before.sent).toBeGreaterThan(0);
    expect(before.pendingEvents).toBe(30 - before.sent);

    await abortAllDurableObjects();
    const restarted = collector(name);
    const recorder = await bindBasin(restarted);
    await retryFromAlarm(restarted);
    const first = events.slice(0, before.sent).map((e) => e.id);
    // Only what was not sent before is sent after: progress was saved when the pass failed.
    expect(sentIds(recorder)).toEqual(events.map((e) => e.id).filter((id) => !first.includes(id)));
    expect(await basinOf(restarted)).toMatchObject({ sent: 30, pendingEvents: 0 });
  });

  it("queues a flush replayed after a crash between its R2 write and its commit once: nothing twice, nothing early", async () => {
    const { timestamp, prefix } = testDay(605);
    const name = "basin-replayed-flush";
    const stub = collector(name);
    const early = await bindBasin(stub);
    const events = wireEvents(8, { timestamp });
    await stub.ingest({ events });
    // The object reaches R2, then the write "fails": the commit never happens.
    await injectBucketFaults(stub, { failAfterWrite: 1 });
    expect((await stub.flush()).errors).toHaveLength(1);
    await basinSettled(stub);
    expect((await env.ARCHIVE.list({ prefix })).objects).toHaveLength(1);
    expect(early.calls).toBe(0);

    // A crash; the restarted collector replays the recorded plan (same key) from its alarm.
    await abortAllDurableObjects();
    const restarted = collector(name);
    const recorder = await bindBasin(restarted);
    expect(await runDurableObjectAlarm(restarted)).toBe(true);
    await basinSettled(restarted);
    expect((await env.ARCHIVE.list({ prefix })).objects).toHaveLength(1);
    expect(sorted(sentIds(recorder))).toEqual(sorted(events.map((e) => e.id)));
    expect(new Set(sentIds(recorder)).size).toBe(sentIds(recorder).length);
  });

  it("resends a batch whose answer was lost: at least once, and the ids tell the copies apart", async () => {
    const { timestamp, prefix } = testDay(606);
    const stub = collector("basin-lost-answer");
    const recorder = await bindBasin(stub, { failAfterSend: 1 });
    await quickRetries(stub);
    const events = wireEvents(6, { timestamp });
    await stub.ingest({ events });
    await stub.flush();
    await basinSettled(stub);

    const ids = sentIds(recorder);
    expect(ids).toHaveLength(12);
    expect(sorted([...new Set(ids)])).toEqual(sorted(await archivedIds(env.ARCHIVE, prefix)));
    expect(await basinOf(stub)).toMatchObject({ sent: 6, failed: 6, retried: 6, pendingEvents: 0 });
  });

  it("keeps a bounded outbox: the oldest objects are dropped, counted and named when it is full, the rest sent later", async () => {
    const { timestamp } = testDay(607);
    const stub = collector("basin-outbox-full");
    const recorder = await bindBasin(stub, { failBeforeSend: 1_000 });
    await quickRetries(stub, { inState: 2, spillBatch: 2, maxSpilledRows: 2 });
    const objects: string[][] = [];
    for (let i = 0; i < 9; i++) {
      const events = wireEvents(3, { timestamp: timestamp + i });
      objects.push(events.map((e) => e.id));
      await stub.ingest({ events });
      await stub.flush();
    }
    await basinSettled(stub);
    // At most 2 objects in the state row and 2 spilled rows of 2: the 7th and the 9th object each
    // spilled a third row, and the oldest row (objects 1-2, then 3-4) was dropped.
    const spilled = await runInDurableObject(stub, (_instance, state) =>
      Number(state.storage.sql.exec("SELECT COUNT(*) AS n FROM basin_outbox").one().n),
    );
    expect(spilled).toBe(2);
    const full = await basinOf(stub);
    expect(full).toMatchObject({ pendingObjects: 5, pendingEvents: 15, dropped: { outboxFull: 12 } });
    expect(full.lastDrop?.message).toMatch(/^Basin outbox full: 6 events of 2 archive objects not sent, tail-events\/.+ … tail-events\//);

    recorder.faults.failBeforeSend = 0;
    await runInDurableObject(stub, (instance: TailCollector) => {
      basinState(instance).backoff.notBefore = 0;
    });
    await retryFromAlarm(stub);
    // The first four objects were dropped (the drops named them); the last five went, oldest first.
    expect(sentIds(recorder)).toEqual(objects.slice(4).flat());
    expect(await basinOf(stub)).toMatchObject({ sent: 15, pendingObjects: 0, pendingEvents: 0, dropped: { outboxFull: 12 } });
  });

  it("sends in batches of bounded size, and counts a record too large to send as dropped", async () => {
    const { timestamp } = testDay(608);
    const stub = collector("basin-batches");
    const recorder = await bindBasin(stub);
    await quickRetries(stub, { sendBytes: 3_000, recordBytes: 1_500 });
    const small = wireEvents(20, { timestamp, bytes: 400 });
    const [big] = wireEvents(1, { timestamp, bytes: 2_000 });
    await stub.ingest({ events: [...small.slice(0, 10), big!, ...small.slice(10)] });
    await stub.flush();
    await basinSettled(stub);

    expect(recorder.sends.length).toBeGreaterThan(3);
    for (const batch of recorder.sends)
      expect(new TextEncoder().encode(JSON.stringify(batch)).length).toBeLessThanOrEqual(3_000 + batch.length + 1);
    expect(sentIds(recorder)).toEqual(small.map((e) => e.id));
    const stats = await basinOf(stub);
    expect(stats).toMatchObject({ sent: 20, dropped: { tooLarge: 1 }, pendingEvents: 0 });
    expect(stats.lastDrop?.message).toContain(big!.id);
  });

  it("counts the events of an object gone from R2 before it was sent as dropped, and goes on", async () => {
    const { timestamp } = testDay(609);
    const stub = collector("basin-object-missing");
    const recorder = await bindBasin(stub, { failBeforeSend: 2 });
    await quickRetries(stub);
    await stub.ingest({ events: wireEvents(4, { timestamp }) });
    const [gone] = (await stub.flush()).objects;
    await basinSettled(stub);
    await env.ARCHIVE.delete(gone!.key);
    const kept = wireEvents(3, { timestamp: timestamp + 3_600_000 });
    await stub.ingest({ events: kept });
    await stub.flush();

    await retryFromAlarm(stub);
    expect(sentIds(recorder)).toEqual(kept.map((e) => e.id));
    const stats = await basinOf(stub);
    expect(stats).toMatchObject({ sent: 3, dropped: { objectMissing: 4 }, pendingEvents: 0 });
    expect(stats.lastDrop?.message).toContain(gone!.key);
  });

  it("adds no SQLite row while traffic continues, and one when delivery ends with nothing left to flush", async () => {
    const { timestamp } = testDay(610);
    const rows = (stub: Stub) =>
      runInDurableObject(stub, (_instance, state) => Number(state.storage.sql.exec("SELECT total_changes() AS n").one().n));
    const run = async (name: string, bind: boolean) => {
      const stub = collector(name);
      if (bind) await bindBasin(stub);
      const before = await rows(stub);
      for (let i = 0; i < 3; i++) {
        await stub.ingest({ events: wireEvents(5, { timestamp, importance: 3 }) });
        // Something stays buffered (LOW is below its threshold): the flush of CRITICAL below leaves the collector busy.
        await stub.ingest({ events: wireEvents(2, { timestamp, importance: 0 }) });
        await runInDurableObject(stub, (instance: TailCollector) =>
          (instance as unknown as { flushLevels(l: number[]): Promise<unknown> }).flushLevels([0]),
        );
        await basinSettled(stub);
      }
      const busy = (await rows(stub)) - before;
      await stub.flush();
      await basinSettled(stub);
      return { busy, total: (await rows(stub)) - before };
    };
    const without = await run("basin-rows-off", false);
    const withBasin = await run("basin-rows-on", true);
    expect(withBasin.busy).toBe(without.busy);
    expect(withBasin.total).toBe(without.total + 1);
  });

  it("shows in /stats summed over shards", async () => {
    const { timestamp } = testDay(611);
    const shards = [collector("basin-shard-a"), collector("basin-shard-b")];
    for (const [i, stub] of shards.entries()) {
      await bindBasin(stub);
      await stub.ingest({ events: wireEvents(2 + i, { timestamp }) });
      await stub.flush();
      await basinSettled(stub);
    }
    const merged = mergeShardStats(await Promise.all(shards.map((s) => s.stats())));
    expect(merged.counters.basin).toMatchObject({ sent: 5, failed: 0, pendingEvents: 0, dropped: { outboxFull: 0 } });
  });
});
