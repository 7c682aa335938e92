import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { TailCollector } from "../collector-do/tail-collector";
import type { WireEvent } from "../schemas/collector-rpc";
import { collector, testDay } from "./helpers/collector";
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

  it("deletes the buffer row once every importance in it is flushed", async () => {
    const { timestamp } = testDay(63);
    const stub = collector("sqlite-delete-after-flush");
    await ingestCounting(stub, [...wireEvents(2, { importance: 0, timestamp }), ...wireEvents(2, { importance: 3, timestamp })]);
    await stub.flush();
    const rows = await runInDurableObject(stub, (_instance: TailCollector, state) =>
      Number(state.storage.sql.exec("SELECT COUNT(*) AS n FROM buffer").one().n),
    );
    expect(rows).toBe(0);
  });
});
