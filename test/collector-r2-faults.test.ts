import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { collector, injectBucketFaults, testDay } from "./helpers/collector";
import { archivedIds, wireEvents } from "./helpers/wire-events";

// R2 is written first; events leave the buffer only after the write succeeded.
describe("TailCollector when R2 fails", () => {
  it("keeps events buffered and retries from the alarm with backoff until R2 recovers", async () => {
    const { timestamp, prefix } = testDay(201);
    const stub = collector("r2-fails-three-times");
    const events = wireEvents(10, { importance: 0, timestamp });
    await stub.ingest({ events });
    const faulty = await injectBucketFaults(stub, { failBeforeWrite: 3 });

    const alarmDelays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      const stats = await stub.stats();
      expect(stats.buffered.CRITICAL.events).toBe(10);
      expect(stats.counters.flushFailures).toBe(attempt);
      expect(stats.counters.lastError?.message).toContain("injected R2 failure");
      const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
      expect(alarm).not.toBeNull();
      alarmDelays.push(alarm! - Date.now());
    }
    // Jittered backoff: each retry waits at least the 1 s floor (less what the test took since)
    // and at most a ceiling that doubles: 2 s, 4 s, 8 s.
    alarmDelays.forEach((delay, i) => {
      expect(delay).toBeGreaterThan(500);
      expect(delay).toBeLessThanOrEqual(2_000 * 2 ** i);
    });

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await archivedIds(env.ARCHIVE, prefix)).sort()).toEqual(events.map((e) => e.id).sort());
    expect(faulty.attempts).toHaveLength(4);
    expect(new Set(faulty.attempts).size).toBe(1);
    const stats = await stub.stats();
    expect(stats.buffered.CRITICAL.events).toBe(0);
    expect(stats.counters.archived).toBe(10);
  });

  it("retries a write whose answer was lost under the same key, leaving one copy", async () => {
    const { timestamp, prefix } = testDay(202);
    const stub = collector("r2-fails-after-write");
    const events = wireEvents(5, { importance: 2, timestamp });
    await stub.ingest({ events });
    const faulty = await injectBucketFaults(stub, { failAfterWrite: 2 });

    expect((await stub.flush()).errors).toHaveLength(1);
    expect((await stub.flush()).errors).toHaveLength(1);
    const report = await stub.flush();
    expect(report.errors).toEqual([]);
    expect(report.events).toBe(5);

    expect(new Set(faulty.attempts).size).toBe(1);
    expect((await env.ARCHIVE.list({ prefix })).objects).toHaveLength(1);
    expect((await archivedIds(env.ARCHIVE, prefix)).sort()).toEqual(events.map((e) => e.id).sort());
  });
});

// Ingests arriving while R2 is down must not pull the retry of a failed flush back to now.
describe("TailCollector flush backoff under traffic", () => {
  it("keeps the backoff of a failed flush while events keep arriving", async () => {
    const { timestamp } = testDay(203);
    const stub = collector("r2-down-under-traffic");
    await stub.ingest({ events: wireEvents(10, { importance: 0, timestamp }) });
    await injectBucketFaults(stub, { failBeforeWrite: 100 });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const backoff = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(backoff! - Date.now()).toBeGreaterThan(500);

    // More CRITICAL events: the buffer is over its threshold, yet the alarm stays where the backoff put it.
    for (let i = 0; i < 5; i++) await stub.ingest({ events: wireEvents(10, { importance: 0, timestamp }) });
    expect(await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm())).toBe(backoff);
    expect((await stub.stats()).counters.flushFailures).toBe(1);
  });
});

// The backoff is the scheduler's, kept in storage: a failed POST /flush sets it as a failed alarm
// does, and a restart during an outage does not retry at once.
describe("TailCollector flush backoff across a manual flush and a restart", () => {
  it("backs off after a failed POST /flush and keeps the backoff after a restart", async () => {
    const { timestamp } = testDay(204);
    const stub = collector("r2-down-manual-flush");
    await stub.ingest({ events: wireEvents(9, { importance: 0, timestamp }) });
    await injectBucketFaults(stub, { failBeforeWrite: 100 });
    const failedAt = Date.now();
    expect((await stub.flush()).errors).toHaveLength(1);
    const saved = () =>
      runInDurableObject(collector("r2-down-manual-flush"), (_instance, state) =>
        JSON.parse(String(state.storage.sql.exec("SELECT value FROM meta WHERE key = 'flush_backoff'").one().value)),
      );
    const { failures, notBefore } = (await saved()) as { failures: number; notBefore: number };
    expect(failures).toBe(1);
    // Jittered between the 1 s floor and the first retry's 2 s ceiling.
    expect(notBefore - failedAt).toBeGreaterThanOrEqual(1_000);
    expect(notBefore - failedAt).toBeLessThanOrEqual(2_000 + (Date.now() - failedAt));

    await abortAllDurableObjects();
    const restarted = collector("r2-down-manual-flush");
    // The tenth CRITICAL event crosses the threshold: due now, yet the alarm waits for the backoff.
    await restarted.ingest({ events: wireEvents(1, { importance: 0, timestamp }) });
    expect(await runInDurableObject(restarted, (_instance, state) => state.storage.getAlarm())).toBe(notBefore);
    expect(await saved()).toEqual({ failures: 1, notBefore });
  });
});
