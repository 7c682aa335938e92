import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_ROW_BYTES } from "../collector-do/buffer-rows";
import { MAX_OBJECT_BYTES } from "../collector-do/flusher";
import { collector, testDay } from "./helpers/collector";
import { wireEvents } from "./helpers/wire-events";

const MiB = 1024 * 1024;
const EVENT_BYTES = 100 * 1024;
const CALL_EVENTS = 60;

// A full LOW buffer (100 MiB) is streamed out of SQLite into objects of at most MAX_OBJECT_BYTES,
// so that any one object can be read within a query's byte budget.
describe("TailCollector flushing a 100 MB buffer", () => {
  it("writes a full LOW buffer as several bounded objects, each read back intact and in order", { timeout: 300_000 }, async () => {
    const { timestamp, prefix } = testDay(601);
    const stub = collector("large-flush");
    const ids: string[] = [];
    let buffered = 0;
    while (buffered < 100 * MiB) {
      const events = wireEvents(CALL_EVENTS, { importance: 3, timestamp, bytes: EVENT_BYTES, prefix: "big" });
      expect((await stub.ingest({ events })).accepted).toBe(CALL_EVENTS);
      ids.push(...events.map((e) => e.id));
      buffered = (await stub.stats()).buffered.LOW.bytes;
    }
    // Crossing the 100 MiB threshold moved the alarm to now.
    const stats = await stub.stats();
    expect(Date.parse(stats.nextFlushAt!)).toBeLessThanOrEqual(Date.now());
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    const { objects } = await env.ARCHIVE.list({ prefix, include: ["customMetadata"] });
    // Rows (at most MAX_ROW_BYTES) are never split, so an object is filled to within one row of the bound.
    expect(objects.length).toBeGreaterThanOrEqual(Math.ceil(buffered / MAX_OBJECT_BYTES));
    expect(objects.length).toBeLessThanOrEqual(Math.ceil(buffered / (MAX_OBJECT_BYTES - MAX_ROW_BYTES)));
    const runs: string[][] = [];
    for (const object of objects) {
      expect(object.size).toBeLessThanOrEqual(MAX_OBJECT_BYTES);
      expect(Number(object.customMetadata!.bytes)).toBe(object.size);
      // A single PUT: a multipart object's etag ends in -<parts>.
      expect(object.httpEtag).not.toContain("-");
      const archived = (await (await env.ARCHIVE.get(object.key))!.json()) as { id: string }[];
      expect(archived).toHaveLength(Number(object.customMetadata!.eventCount));
      runs.push(archived.map((e) => e.id));
    }
    // Each object holds a contiguous run of the buffer, in arrival order; together, every event once.
    runs.sort((a, b) => ids.indexOf(a[0]!) - ids.indexOf(b[0]!));
    expect(runs.flat()).toEqual(ids);
    expect((await stub.stats()).buffered.LOW).toMatchObject({ events: 0, bytes: 0 });
  });
});
