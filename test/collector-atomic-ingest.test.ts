import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TailCollector } from "../collector-do/tail-collector";
import { bufferRowCount, collector, overrideCollectorConfig, testDay } from "./helpers/collector";
import { archivedIds, wireEvents } from "./helpers/wire-events";

const SIZE = 500;

/** Makes the next write of buffer rows throw, after whatever the ingest changed before it. */
async function failNextRowWrite(stub: DurableObjectStub<TailCollector>): Promise<void> {
  await runInDurableObject(stub, (instance: TailCollector) => {
    const buffer = (instance as unknown as { store: { buffer: { write: (...args: unknown[]) => void } } }).store.buffer;
    const write = buffer.write.bind(buffer);
    buffer.write = () => {
      buffer.write = write;
      throw new Error("injected SQLite failure");
    };
  });
}

// An ingest happens whole or not at all: room made for CRITICAL/HIGH events by shedding buffered
// LOW ones must not stay made when storing them then fails.
describe("an ingest that fails half-way", () => {
  it("leaves storage, counters and the deduplication window as they were; its retry is stored whole", async () => {
    const { timestamp, prefix } = testDay(801);
    const stub = collector("atomic-ingest");
    await overrideCollectorConfig(stub, (c) => ({ ...c, bufferCaps: { ...c.bufferCaps, 1: SIZE } }));
    const low = wireEvents(3, { importance: 3, timestamp, bytes: SIZE });
    for (const event of low) await stub.ingest({ events: [event] });
    const before = await stub.stats();

    // Two HIGH events past the HIGH cap: room is made by shedding LOW, then the write fails.
    const high = wireEvents(2, { importance: 1, timestamp, bytes: SIZE });
    await failNextRowWrite(stub);
    const failure = await runInDurableObject(stub, (instance: TailCollector) =>
      instance.ingest({ events: high }).then(
        () => "acknowledged",
        (error: unknown) => String(error),
      ),
    );
    expect(failure).toMatch(/injected SQLite failure/);

    const after = await stub.stats();
    expect(after.buffered).toEqual(before.buffered);
    expect(after.counters).toEqual(before.counters);
    expect(await bufferRowCount(stub)).toBe(3);

    // Not acknowledged, so not remembered: the tail worker's retry is stored, shedding LOW now.
    expect(await stub.ingest({ events: high })).toEqual({ accepted: 2, duplicates: 0, shed: 1 });
    await stub.flush();
    expect((await archivedIds(env.ARCHIVE, prefix)).sort()).toEqual([...low.slice(1), ...high].map((e) => e.id).sort());
  });
});
