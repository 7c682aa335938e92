import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readArchives } from "./helpers/archive";
import { collector } from "./helpers/collector";
import { wireEvents } from "./helpers/wire-events";

// R2 layout: tail-events/YYYY-MM-DD/importance-N/HH-MM-<id>.json, the date and HH-MM in UTC from
// the earliest event of the object; one object never spans two UTC hours (nor, so, two dates);
// custom metadata describes it.
const KEY = /^tail-events\/(\d{4}-\d{2}-\d{2})\/importance-([0-3])\/(\d{2})-(\d{2})-([0-9a-z]+)\.json$/;

describe("archive objects", () => {
  it("are keyed by the UTC date and HH-MM of their earliest event, whatever the arrival order", async () => {
    const stub = collector("key-format");
    // Arrive latest first: the key must still come from the earliest (07:05:59.999 UTC).
    const late = wireEvents(1, { importance: 2, timestamp: Date.UTC(2031, 6, 9, 7, 40, 0) });
    const earliest = wireEvents(1, { importance: 2, timestamp: Date.UTC(2031, 6, 9, 7, 5, 59, 999) });
    const middle = wireEvents(1, { importance: 2, timestamp: Date.UTC(2031, 6, 9, 7, 20, 0) });
    await stub.ingest({ events: late });
    await stub.ingest({ events: [...middle, ...earliest] });
    const report = await stub.flush();

    expect(report.objects).toHaveLength(1);
    const key = report.objects[0]!.key;
    const [, date, importance, hh, mm] = KEY.exec(key) ?? [];
    expect([date, importance, hh, mm]).toEqual(["2031-07-09", "2", "07", "05"]);
  });

  it("never span two dates: events either side of midnight UTC make two objects", async () => {
    const stub = collector("midnight-split");
    const before = wireEvents(3, { importance: 1, timestamp: Date.UTC(2031, 11, 31, 23, 59, 30) });
    const after = wireEvents(2, { importance: 1, timestamp: Date.UTC(2032, 0, 1, 0, 0, 30) });
    // One ingest call carrying both days.
    await stub.ingest({ events: [...before, ...after] });
    await stub.flush();

    const archives = [
      ...(await readArchives(env.ARCHIVE, "tail-events/2031-12-31/")),
      ...(await readArchives(env.ARCHIVE, "tail-events/2032-01-01/")),
    ];
    expect(archives.map((a) => [a.key.replace(/-[0-9a-z]+\.json$/, ""), a.events.map((e) => e.id)])).toEqual([
      ["tail-events/2031-12-31/importance-1/23-59", before.map((e) => e.id)],
      ["tail-events/2032-01-01/importance-1/00-00", after.map((e) => e.id)],
    ]);
  });

  it("carry eventCount, bytes (the object's real size), importance and first/last event times", async () => {
    const stub = collector("metadata");
    const first = Date.UTC(2031, 7, 1, 10, 15, 0, 250);
    const last = Date.UTC(2031, 7, 1, 10, 47, 30, 500);
    const events = [
      ...wireEvents(1, { importance: 0, timestamp: last }),
      ...wireEvents(3, { importance: 0, timestamp: Date.UTC(2031, 7, 1, 10, 30) }),
      // Multi-byte characters: sizes are UTF-8 bytes, not string lengths.
      ...wireEvents(1, { importance: 0, timestamp: first }).map((e) => ({
        ...e,
        json: e.json.replace('"data":{', '"data":{"note":"Grüße €𝄞",'),
      })),
    ];
    await stub.ingest({ events });
    await stub.flush();

    const [archive, ...others] = await readArchives(env.ARCHIVE, "tail-events/2031-08-01/");
    expect(others).toEqual([]);
    const head = await env.ARCHIVE.head(archive!.key);
    expect(head!.size).toBe(new TextEncoder().encode(archive!.text).length);
    expect(archive!.customMetadata).toMatchObject({
      eventCount: "5",
      bytes: String(head!.size),
      importance: "0",
      firstEventAt: new Date(first).toISOString(),
      lastEventAt: new Date(last).toISOString(),
    });
    expect(head!.httpMetadata?.contentType).toBe("application/json");
  });

  it("hold a JSON array of the events exactly as the tail worker serialised them", async () => {
    const stub = collector("body");
    const events = wireEvents(4, { importance: 3, timestamp: Date.UTC(2031, 8, 2, 8, 0) });
    await stub.ingest({ events: events.slice(0, 2) });
    await stub.ingest({ events: events.slice(2) });
    await stub.flush();

    const [archive] = await readArchives(env.ARCHIVE, "tail-events/2031-09-02/");
    expect(archive!.text).toBe(`[${events.map((e) => e.json).join(",")}]`);
    expect(archive!.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it("get distinct keys when flushes of the same minute follow each other", async () => {
    const stub = collector("unique-keys");
    const timestamp = Date.UTC(2031, 9, 3, 14, 30);
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      await stub.ingest({ events: wireEvents(1, { importance: 2, timestamp }) });
      keys.push(...(await stub.flush()).objects.map((o) => o.key));
    }
    expect(keys).toHaveLength(5);
    expect(new Set(keys).size).toBe(5);
    expect(keys.every((k) => k.startsWith("tail-events/2031-10-03/importance-2/14-30-"))).toBe(true);
    expect((await readArchives(env.ARCHIVE, "tail-events/2031-10-03/")).length).toBe(5);
  });
});
