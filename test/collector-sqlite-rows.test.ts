import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEDUPE_WINDOW_MS } from "../collector-do/dedupe-window";
import type { TailCollector } from "../collector-do/tail-collector";
import type { WireEvent } from "../schemas/collector-rpc";
import { scheduledAlarm } from "./helpers/alarms";
import { bufferRowCount, collector, testDay } from "./helpers/collector";
import { wireEvents } from "./helpers/wire-events";

// SQLite rows written are billed per row (../shared/PLATFORM.md): the buffer must store what one
// ingest call brings in one row, not one row per event. Counted in the real storage: rows in the
// `buffer` table, and SQLite's total_changes() (rows inserted, updated or deleted).

interface IngestCost {
  bufferRows: number;
  rowsChanged: number;
}

/** Ingests inside the object and reports the buffer table's size and the rows SQLite changed. */
function ingestCounting(stub: DurableObjectStub<TailCollector>, events: WireEvent[]): Promise<IngestCost> {
  return runInDurableObject(stub, async (instance: TailCollector, state) => {
    const changes = () => Number(state.storage.sql.exec("SELECT total_changes() AS n").one().n);
    const before = changes();
    await instance.ingest({ events });
    return { bufferRows: Number(state.storage.sql.exec("SELECT COUNT(*) AS n FROM buffer").one().n), rowsChanged: changes() - before };
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("TailCollector SQLite rows", () => {
  it("stores one ingest of 10 events of every importance in one buffer row", async () => {
    const { timestamp } = testDay(60);
    const stub = collector("sqlite-one-row");
    const events = [0, 1, 2, 3].flatMap((importance) =>
      wireEvents(importance < 2 ? 2 : 3, { importance: importance as 0 | 1 | 2 | 3, timestamp }),
    );
    expect(events).toHaveLength(10);

    const first = await ingestCounting(stub, events);
    expect(first.bufferRows).toBe(1);
    // The buffer row, plus the alarm that ingest sets (an alarm is stored as a row too).
    expect(first.rowsChanged).toBe(2);

    const row = await runInDurableObject(stub, (_instance: TailCollector, state) =>
      state.storage.sql.exec("SELECT n0, n1, n2, n3, ids FROM buffer").one(),
    );
    expect([row.n0, row.n1, row.n2, row.n3]).toEqual([2, 2, 3, 3]);
    expect(String(row.ids).split(",").sort()).toEqual(events.map((e) => e.id).sort());
  });

  it("writes one more row per further ingest call, however many events it holds", async () => {
    const { timestamp } = testDay(61);
    const stub = collector("sqlite-row-per-call");
    await ingestCounting(stub, wireEvents(3, { importance: 3, timestamp }));

    // The alarm is already early enough: only the buffer row is written.
    const second = await ingestCounting(stub, wireEvents(500, { importance: 3, timestamp }));
    expect(second).toEqual({ bufferRows: 2, rowsChanged: 1 });
  });

  it("writes nothing for a batch that is entirely duplicates", async () => {
    const { timestamp } = testDay(62);
    const stub = collector("sqlite-duplicates");
    const events = wireEvents(5, { importance: 2, timestamp });
    await ingestCounting(stub, events);
    expect(await ingestCounting(stub, events)).toEqual({ bufferRows: 1, rowsChanged: 0 });
  });

  it("keeps an archived row while its ids are in the deduplication window, then overwrites it: one row written, none deleted", async () => {
    const { timestamp } = testDay(63);
    const stub = collector("sqlite-recycle-after-flush");
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.UTC(2030, 7, 1, 10, 0, 0);
    vi.setSystemTime(start);
    const first = [...wireEvents(2, { importance: 0, timestamp }), ...wireEvents(2, { importance: 3, timestamp })];
    await ingestCounting(stub, first);
    await stub.flush();
    expect(await bufferRowCount(stub)).toBe(1);

    // Still inside the window: a new row is inserted beside it.
    vi.setSystemTime(start + DEDUPE_WINDOW_MS - 1);
    expect(await ingestCounting(stub, wireEvents(2, { importance: 2, timestamp }))).toEqual({ bufferRows: 2, rowsChanged: 1 });
    await stub.flush();

    // Past the window: the next commit writes over the oldest archived row.
    vi.setSystemTime(start + DEDUPE_WINDOW_MS + 1);
    const third = wireEvents(3, { importance: 3, timestamp });
    expect(await ingestCounting(stub, third)).toEqual({ bufferRows: 2, rowsChanged: 1 });
    const ids = await runInDurableObject(stub, (_instance: TailCollector, state) =>
      state.storage.sql
        .exec("SELECT ids FROM buffer ORDER BY seq")
        .toArray()
        .map((r) => String(r.ids)),
    );
    expect(ids.some((row) => row.includes(first[0]!.id))).toBe(false);
    expect(ids.at(-1)!.split(",")).toEqual(third.map((e) => e.id));
  });

  it("deletes archived rows once the window has passed when nothing is left to flush", async () => {
    const { timestamp } = testDay(64);
    const stub = collector("sqlite-idle-sweep");
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.UTC(2030, 7, 2, 10, 0, 0);
    vi.setSystemTime(start);
    await ingestCounting(stub, wireEvents(2, { importance: 1, timestamp }));
    await stub.flush();
    // The interval alarm the ingest set still comes; it finds nothing to flush and waits for the window.
    expect(await scheduledAlarm(stub)).toBe(start + 30_000);
    vi.setSystemTime(start + 30_000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await bufferRowCount(stub)).toBe(1);
    expect(await scheduledAlarm(stub)).toBe(start + DEDUPE_WINDOW_MS);

    vi.setSystemTime(start + DEDUPE_WINDOW_MS);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await bufferRowCount(stub)).toBe(0);
    expect(await scheduledAlarm(stub)).toBeNull();
  });
});
