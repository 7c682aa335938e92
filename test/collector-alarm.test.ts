import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEDUPE_WINDOW_MS } from "../collector-do/dedupe-window";
import { scheduledAlarm } from "./helpers/alarms";
import { readArchives } from "./helpers/archive";
import { bufferRowCount, collector, testDay } from "./helpers/collector";
import { wireEvents } from "./helpers/wire-events";

// Below every threshold, a buffer is flushed by the alarm FLUSH_INTERVAL_SECONDS (30 s) after its
// oldest event arrived. The test moves the clock instead of waiting: the collector runs in the
// test's isolate, so a faked Date is what it reads too. Only Date is faked; timers and I/O are real.
const INTERVAL_MS = 30_000;

afterEach(() => {
  vi.useRealTimers();
});

describe("interval alarm", () => {
  it("sets the alarm FLUSH_INTERVAL_SECONDS after the oldest event, and later events do not postpone it", async () => {
    const { timestamp } = testDay(40);
    const stub = collector("alarm-interval-schedule");
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.UTC(2030, 5, 1, 10, 0, 0);
    vi.setSystemTime(start);

    await stub.ingest({ events: wireEvents(3, { importance: 2, timestamp }) });
    expect(await scheduledAlarm(stub)).toBe(start + INTERVAL_MS);
    const stats = await stub.stats();
    expect(stats.buffered.NORMAL.oldestReceivedAt).toBe(new Date(start).toISOString());
    expect(stats.nextFlushAt).toBe(new Date(start + INTERVAL_MS).toISOString());

    vi.setSystemTime(start + 20_000);
    await stub.ingest({ events: wireEvents(2, { importance: 3, timestamp }) });
    expect(await scheduledAlarm(stub)).toBe(start + INTERVAL_MS);
  });

  it("writes nothing before the interval and flushes every buffered importance when it fires", async () => {
    const { timestamp, prefix } = testDay(41);
    const stub = collector("alarm-interval-flush");
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.UTC(2030, 5, 2, 10, 0, 0);
    vi.setSystemTime(start);
    const critical = wireEvents(2, { importance: 0, timestamp });
    const low = wireEvents(4, { importance: 3, timestamp });
    await stub.ingest({ events: [...critical, ...low] });

    // An alarm that runs early (alarms are at-least-once) flushes nothing and keeps the schedule.
    vi.setSystemTime(start + INTERVAL_MS - 1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await readArchives(env.ARCHIVE, prefix)).toEqual([]);
    expect(await scheduledAlarm(stub)).toBe(start + INTERVAL_MS);

    vi.setSystemTime(start + INTERVAL_MS);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const archives = await readArchives(env.ARCHIVE, prefix);
    expect(archives.map((a) => a.key.split("/")[2]).sort()).toEqual(["importance-0", "importance-3"]);
    expect(archives.flatMap((a) => a.events.map((e) => e.id)).sort()).toEqual([...critical, ...low].map((e) => e.id).sort());

    // Nothing left to flush: the only alarm left is the one that deletes the archived rows once
    // their ids leave the deduplication window; it writes nothing, and no alarm follows it.
    const { buffered, counters } = await stub.stats();
    expect(Object.values(buffered).map((b) => b.events)).toEqual([0, 0, 0, 0]);
    expect(counters.archived).toBe(6);
    expect(await scheduledAlarm(stub)).toBe(start + DEDUPE_WINDOW_MS);
    vi.setSystemTime(start + DEDUPE_WINDOW_MS);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await scheduledAlarm(stub)).toBeNull();
    expect(await bufferRowCount(stub)).toBe(0);
    expect(await readArchives(env.ARCHIVE, prefix)).toHaveLength(2);
  });

  it("flushes, at each importance's own time, only the buffers that are due", async () => {
    const { timestamp, prefix } = testDay(42);
    const stub = collector("alarm-interval-per-importance");
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.UTC(2030, 5, 3, 10, 0, 0);
    vi.setSystemTime(start);
    await stub.ingest({ events: wireEvents(1, { importance: 1, timestamp }) });
    vi.setSystemTime(start + 10_000);
    await stub.ingest({ events: wireEvents(1, { importance: 2, timestamp }) });

    vi.setSystemTime(start + INTERVAL_MS);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await readArchives(env.ARCHIVE, prefix)).map((a) => a.key.split("/")[2])).toEqual(["importance-1"]);
    // The NORMAL event arrived 10 s later, so its alarm follows 10 s later.
    expect(await scheduledAlarm(stub)).toBe(start + 10_000 + INTERVAL_MS);

    vi.setSystemTime(start + 10_000 + INTERVAL_MS);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await readArchives(env.ARCHIVE, prefix)).map((a) => a.key.split("/")[2]).sort()).toEqual(["importance-1", "importance-2"]);
  });
});
