import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listRange } from "../schemas/archive/listing";
import type { Env } from "../schemas/config/env";
import { fieldPath } from "../schemas/filter/field-path";
import { router } from "../tail-worker/http/router";
import { MAX_KEPT_EVENT_BYTES } from "../tail-worker/query/events-collector";
import { Aggregator } from "../tail-worker/query/grouping";
import { MAX_GROUP_KEY_BYTES } from "../tail-worker/query/refusal";
import { StateMeter } from "../tail-worker/query/state-meter";
import { collector, overrideCollectorConfig } from "./helpers/collector";
import { namedEvent, putArchive, type QueryAnswer, type QueryEvent, toWire } from "./helpers/query-events";

// What bounds a query whatever it asks: time buckets instead of one group per millisecond, caps on
// group keys, aggregate state and kept events, buffered reads inside the byte budget, objects
// larger than the budget read in part when sampling is allowed, and the list-call budget.

const HOUR = 3_600_000;
const day = (n: number) => Date.UTC(2036, 4, 1) + n * 24 * HOUR;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const range = (from: number, to: number) => ({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });

type Answer = QueryAnswer & Record<string, unknown>;
async function query(body: unknown, overrides: Partial<Env> = {}): Promise<{ status: number; body: Answer }> {
  const res = await router.fetch(
    new Request("http://do-tail/query", { method: "POST", body: JSON.stringify(body) }),
    { ...env, ...overrides } as Env,
    ctx,
  );
  return { status: res.status, body: (await res.json()) as Answer };
}

describe("time buckets", { timeout: 60_000 }, () => {
  it("groups by the interval of each event's timestamp, in time order", async () => {
    const t = day(1) + 10 * HOUR;
    const events = [0, 10_000, 59_999, 60_000, 150_000, 151_000, 299_999].map((dt, i) => namedEvent("tick", t + dt, { n: i }));
    await putArchive(events.slice(0, 4));
    await putArchive(events.slice(4));
    const { status, body } = await query({ ...range(t, t + HOUR), bucket: "1m", groupBy: ["type"], includeBuffered: false });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.rows).toEqual([
      { bucket: t, type: "tick", count: 3 },
      { bucket: t + 60_000, type: "tick", count: 1 },
      { bucket: t + 120_000, type: "tick", count: 2 },
      { bucket: t + 240_000, type: "tick", count: 1 },
    ]);
    const five = await query({ ...range(t, t + HOUR), bucket: "5m", includeBuffered: false });
    expect(five.body.rows).toEqual([{ bucket: t, count: 7 }]);
    const { from, to } = range(t, t + HOUR);
    const got = await router.fetch(
      new Request(`http://do-tail/query?from=${from}&to=${to}&bucket=5m&includeBuffered=false`),
      env as Env,
      ctx,
    );
    expect(await got.json()).toMatchObject({ rows: [{ bucket: t, count: 7 }] });
  });

  it("refuses a bucket with select events, and a groupBy named bucket", async () => {
    expect((await query({ select: "events", bucket: "1m" })).status).toBe(400);
    const clash = await query({ bucket: "1h", groupBy: ["bucket"] });
    expect(clash.status).toBe(400);
    expect(clash.body.error!.message).toMatch(/^groupBy\[0\]: .*bucket/);
  });
});

describe("caps", { timeout: 60_000 }, () => {
  it("refuses with 422 a groupBy whose keys pass the group-key byte cap", async () => {
    const t = day(2) + 3 * HOUR;
    const long = "k".repeat(2000);
    const events = Array.from({ length: Math.ceil(MAX_GROUP_KEY_BYTES / 4000) + 10 }, (_, i) =>
      namedEvent("wide", t + i, { key: `${i}${long}` }),
    );
    await putArchive(events);
    const { status, body } = await query({ ...range(t, t + HOUR), groupBy: ["key"], includeBuffered: false });
    expect(status, JSON.stringify(body).slice(0, 300)).toBe(422);
    expect(body.error!.message).toMatch(/group keys take more than 8 MiB/);
  });

  it("refuses aggregate state past its budget, distinct values included", () => {
    const aggregator = new Aggregator(
      [fieldPath("g")],
      [{ fn: "count_distinct", field: fieldPath("v"), name: "d", where: [] }],
      new StateMeter(1_000_000),
    );
    const long = "v".repeat(1000);
    expect(() => {
      for (let i = 0; i < 2000; i++) aggregator.add({ data: { g: i % 3, v: `${i}${long}` } }, 1);
    }).toThrow(/more than 977 KiB of groups and aggregate state/);
  });

  it("cuts select events at the byte cap, keeping the first events in order and saying so", async () => {
    const t = day(4) + 3 * HOUR;
    const big = "x".repeat(100_000);
    const events = Array.from({ length: 120 }, (_, i) => namedEvent("big", t + i * 1000, { i, big }));
    for (let i = 0; i < events.length; i += 20) await putArchive(events.slice(i, i + 20));
    const { status, body } = await query({ ...range(t, t + HOUR), select: "events", limit: 1000, includeBuffered: false });
    expect(status).toBe(200);
    expect(body.cutByBytes).toBe(true);
    expect(body.truncated).toBe(true);
    expect(body.total).toBe(120);
    const kept = body.rows as QueryEvent[];
    expect(kept.length).toBeLessThan(120);
    expect(kept.length).toBeGreaterThan(50);
    expect(JSON.stringify(kept).length).toBeLessThanOrEqual(MAX_KEPT_EVENT_BYTES + kept.length * 10);
    // Newest first, none skipped.
    expect(kept.map((e) => e.data.i)).toEqual(Array.from({ length: kept.length }, (_, k) => 119 - k));
  });
});

describe("budgets", { timeout: 60_000 }, () => {
  it("counts buffered events inside QUERY_MAX_BYTES, and names them in a refusal", async () => {
    const t = day(5) + 9 * HOUR;
    await putArchive([namedEvent("obj", t, { filler: "f".repeat(60_000) })]);
    const stub = collector("collector-0");
    await overrideCollectorConfig(stub, (config) => ({ ...config, flushIntervalSeconds: 3600 }));
    await stub.ingest({
      events: toWire(Array.from({ length: 40 }, (_, i) => namedEvent("buf", t + 10 + i, { filler: "b".repeat(1000) }))),
    });

    const roomy = await query({ ...range(t, t + HOUR) }, { QUERY_MAX_BYTES: String(200_000) });
    expect(roomy.status, JSON.stringify(roomy.body).slice(0, 300)).toBe(200);
    expect(roomy.body.rows).toEqual([{ count: 41 }]);
    expect(roomy.body.scanned.buffered).toBe(40);
    expect(roomy.body.scanned.bytes).toBeGreaterThan(40_000 + 60_000);

    // Alone, either fits 100,000 bytes; together they do not.
    const archived = await query({ ...range(t, t + HOUR), includeBuffered: false }, { QUERY_MAX_BYTES: String(100_000) });
    expect(archived.status).toBe(200);
    const tight = await query({ ...range(t, t + HOUR) }, { QUERY_MAX_BYTES: String(100_000) });
    expect(tight.status).toBe(422);
    expect(tight.body.error!.message).toMatch(/after .* of buffered events/);
    expect((tight.body.error!.details as { bufferedBytes: number }).bufferedBytes).toBeGreaterThan(40_000);
  });

  it("answers a window holding one object larger than the budget from its head when sampling, and refuses it otherwise", async () => {
    const t = day(6) + 4 * HOUR;
    const events = Array.from({ length: 3000 }, (_, i) => namedEvent("bulk", t + i, { i, filler: "z".repeat(300) }));
    await putArchive(events);
    const budget = { QUERY_MAX_BYTES: String(256 * 1024) };
    const refused = await query({ ...range(t, t + HOUR), includeBuffered: false }, budget);
    expect(refused.status).toBe(422);
    expect(refused.body.error!.message).toContain('"sample": true');
    expect((refused.body.error!.details as { largestObjectBytes: number }).largestObjectBytes).toBeGreaterThan(256 * 1024);

    const sampled = await query(
      { ...range(t, t + HOUR), includeBuffered: false, sample: true, aggregates: [{ fn: "count" }, { fn: "max", field: "i" }] },
      budget,
    );
    expect(sampled.status, JSON.stringify(sampled.body)).toBe(200);
    expect(sampled.body.scanned.bytes).toBeLessThanOrEqual(256 * 1024);
    const row = sampled.body.rows[0] as { count: number; max_i: number };
    // The head of the object was read (its first events), and the count scaled to the whole by size.
    expect(row.max_i).toBeLessThan(3000);
    expect(Math.abs(row.count - 3000) / 3000).toBeLessThan(0.05);
    expect(sampled.body.sampled).toMatchObject({ mode: "spread", objects: 1, candidateObjects: 1 });
  });

  it("refuses a range the list-call budget cannot name, and answers counts for the hours it listed", async () => {
    const t = day(7);
    for (let h = 0; h < 12; h++) await putArchive([namedEvent("h", t + h * HOUR + 5, {})]);
    const budget = { QUERY_MAX_LIST_CALLS: "10" };
    const exact = await query({ ...range(t, t + 12 * HOUR), includeBuffered: false }, budget);
    expect(exact.status).toBe(422);
    expect(exact.body.error!.message).toContain("QUERY_MAX_LIST_CALLS");

    const counts = await query({ ...range(t, t + 12 * HOUR), select: "counts", bucket: "1h", includeBuffered: false }, budget);
    expect(counts.status, JSON.stringify(counts.body)).toBe(200);
    const listing = counts.body.listing as { complete: boolean; unlisted: { hourStart: number }[] };
    expect(listing.complete).toBe(false);
    const unlistedHours = new Set(listing.unlisted.map((u) => u.hourStart));
    const rows = counts.body.rows as { bucket: number; events: number }[];
    expect(rows.length + unlistedHours.size).toBe(12);
    for (const row of rows) expect(unlistedHours.has(row.bucket)).toBe(false);
    expect(rows.every((r) => r.events === 1)).toBe(true);
  });

  it("lists closed hours once for the queries of one refresh, with the same answers", async () => {
    const t = Date.UTC(2021, 3, 4); // hours long closed
    for (let h = 0; h < 4; h++) await putArchive([namedEvent("c", t + h * HOUR + 5, {}), namedEvent("c", t + h * HOUR + 6, {})]);
    let lists = 0;
    const archive = new Proxy(env.ARCHIVE, {
      get(target, property) {
        if (property === "list")
          return (options?: R2ListOptions) => {
            lists++;
            return target.list(options);
          };
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const body = { ...range(t, t + 4 * HOUR), includeBuffered: false, groupBy: ["importance"] };
    const first = await query(body, { ARCHIVE: archive } as Partial<Env>);
    const firstLists = lists;
    const second = await query(body, { ARCHIVE: archive } as Partial<Env>);
    expect(second.body.rows).toEqual(first.body.rows);
    expect(first.body.rows).toEqual([{ importance: 2, count: 8 }]);
    expect(lists - firstLists).toBeLessThan(firstLists);
    expect((second.body.scanned as unknown as { slicesFromCache: number }).slicesFromCache).toBeGreaterThan(0);
  });

  it("holds at most its object budget of a listing, naming the importance-hours it left out", async () => {
    const t = Date.UTC(2021, 5, 6);
    for (let h = 0; h < 6; h++) for (let k = 0; k < 3; k++) await putArchive([namedEvent("o", t + h * HOUR + k * 60_000 + 5, {})]);
    const listing = await listRange(env.ARCHIVE, {
      range: { from: t, to: t + 6 * HOUR - 1 },
      importances: [2],
      maxListCalls: 100,
      maxObjects: 7,
    });
    expect(listing.complete).toBe(false);
    expect(listing.objects.length).toBeLessThanOrEqual(7);
    expect(listing.unlisted.length).toBeGreaterThan(0);
    expect(listing.objects.length + listing.unlisted.length * 3).toBe(18);
  });
});
