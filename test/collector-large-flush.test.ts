import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PART_BYTES } from "../collector-do/archive-writer";
import { collector, testDay } from "./helpers/collector";
import { wireEvents } from "./helpers/wire-events";

const MiB = 1024 * 1024;
const EVENT_BYTES = 100 * 1024;
const CALL_EVENTS = 60;

// A full LOW buffer (100 MiB) is streamed out of SQLite into a multipart upload, one part in memory at a time.
describe("TailCollector flushing a 100 MB buffer", () => {
  it("streams a full LOW buffer to R2 in equal parts and reads back every event in order", { timeout: 300_000 }, async () => {
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

    const [object] = (await env.ARCHIVE.list({ prefix, include: ["customMetadata"] })).objects;
    expect(object!.size).toBeGreaterThanOrEqual(100 * MiB);
    expect(Number(object!.customMetadata!.bytes)).toBe(object!.size);
    expect(Number(object!.customMetadata!.eventCount)).toBe(ids.length);
    // A multipart upload's etag ends in -<parts>; equal 8 MiB parts mean more than 12 of them.
    const parts = Number(object!.httpEtag.replaceAll('"', "").split("-")[1]);
    expect(parts).toBe(Math.ceil(object!.size / PART_BYTES));

    const archived = (await (await env.ARCHIVE.get(object!.key))!.json()) as { id: string }[];
    expect(archived.map((e) => e.id)).toEqual(ids);
    expect((await stub.stats()).buffered.LOW).toMatchObject({ rows: 0, bytes: 0 });
  });
});
