import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readArchives } from "./helpers/archive";
import { collector, testDay } from "./helpers/collector";
import { wireEvents } from "./helpers/wire-events";

// flush() (behind POST /flush) writes every importance now, whatever the thresholds, and answers
// with what it wrote.
describe("TailCollector.flush()", () => {
  it("writes every buffered importance and answers keys, event counts and bytes", async () => {
    const { timestamp, prefix } = testDay(50);
    const stub = collector("flush-every-importance");
    const byLevel = [
      wireEvents(2, { importance: 0, timestamp }),
      wireEvents(3, { importance: 1, timestamp }),
      wireEvents(4, { importance: 2, timestamp }),
      wireEvents(5, { importance: 3, timestamp }),
    ];
    expect(await stub.ingest({ events: byLevel.flat() })).toMatchObject({ accepted: 14, duplicates: 0 });

    const report = await stub.flush();
    expect(report.errors).toEqual([]);
    expect(report.objects.map((o) => [o.importance, o.events])).toEqual([
      [0, 2],
      [1, 3],
      [2, 4],
      [3, 5],
    ]);
    expect(report.events).toBe(14);

    // The answer matches what is in R2: the same keys, each object's real size, and the sum.
    const archives = await readArchives(env.ARCHIVE, prefix);
    expect(archives.map((a) => a.key).sort()).toEqual(report.objects.map((o) => o.key).sort());
    for (const object of report.objects) {
      const stored = archives.find((a) => a.key === object.key)!;
      expect(object.bytes).toBe(stored.size);
      expect(stored.events.map((e) => e.id)).toEqual(byLevel[object.importance]!.map((e) => e.id));
    }
    expect(report.bytes).toBe(archives.reduce((sum, a) => sum + a.size, 0));
  });

  it("empties every buffer, whether or not its threshold or interval was reached", async () => {
    const { timestamp } = testDay(51);
    const stub = collector("flush-empties");
    await stub.ingest({ events: [...wireEvents(3, { importance: 2, timestamp }), ...wireEvents(1, { importance: 3, timestamp })] });
    expect((await stub.stats()).buffered.NORMAL.events).toBe(3);

    await stub.flush();
    const { buffered, counters } = await stub.stats();
    expect(Object.values(buffered).map((b) => [b.events, b.bytes, b.oldestReceivedAt])).toEqual([
      [0, 0, null],
      [0, 0, null],
      [0, 0, null],
      [0, 0, null],
    ]);
    expect(counters.archived).toBe(4);
  });

  it("writes nothing when nothing is buffered, and never writes an event twice", async () => {
    const { timestamp, prefix } = testDay(52);
    const stub = collector("flush-idempotent");
    expect(await stub.flush()).toEqual({ objects: [], events: 0, bytes: 0, errors: [] });

    await stub.ingest({ events: wireEvents(4, { importance: 1, timestamp }) });
    expect((await stub.flush()).events).toBe(4);
    expect(await stub.flush()).toEqual({ objects: [], events: 0, bytes: 0, errors: [] });
    expect((await readArchives(env.ARCHIVE, prefix)).flatMap((a) => a.events)).toHaveLength(4);
  });
});
