import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { HOUR_MS, hourPrefix, hourStartOf } from "../schemas/archive/listing";
import type { Env } from "../schemas/config/env";
import type { EventEnvelope } from "../schemas/event-envelope";
import { RELATIVE_ACCURACY } from "../schemas/lib/quantile-sketch";
import { type BusyObject, busyDay, SHARD_TAGS, writeBusyDay } from "../scripts/lib/busy-day.mjs";
import { router } from "../tail-worker/http/router";
import { archiveObjects, duckdbQuery } from "./helpers/duckdb";
import { type ObservedR2, observedBucket } from "./helpers/observed-bucket";
import type { QueryAnswer } from "./helpers/query-events";

// A busy archive (26 hours of objects, more than 50,000, every importance, five shard tags, up to
// a minute ago) written once for this file: queries of a quarter hour, of two hours mid-day and
// across midnight answer exactly, list only the keys of their range plus one hour, and read only
// objects that may hold events of it. Observed through a wrapped R2 binding.

const DAY_MS = 86_400_000;
const HOURS = 26;
const PER_HOUR = 1950;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

interface Fixture {
  end: number;
  objects: BusyObject[];
  byKey: Map<string, BusyObject>;
}
let fixture: Fixture;

beforeAll(async () => {
  const end = Date.now() - 60_000;
  const objects = busyDay({ end, hours: HOURS, perHour: PER_HOUR });
  await writeBusyDay(env.ARCHIVE, objects);
  fixture = { end, objects, byKey: new Map(objects.map((o) => [o.key, o])) };
}, 1_200_000);

/** The worker's env with R2 observed (list options, keys answered, objects read) and room for the reads. */
function observedEnv(): { env: Env; seen: ObservedR2 } {
  const { bucket, seen } = observedBucket(env.ARCHIVE);
  return { env: { ...env, ARCHIVE: bucket, QUERY_MAX_OBJECTS: "9000", QUERY_MAX_BYTES: "268435456" } as Env, seen };
}

async function query(environment: Env, body: unknown): Promise<QueryAnswer & { range: { from: string; to: string } }> {
  const res = await router.fetch(new Request("http://do-tail/query", { method: "POST", body: JSON.stringify(body) }), environment, ctx);
  const answer = (await res.json()) as QueryAnswer & { range: { from: string; to: string } };
  expect(res.status, JSON.stringify(answer).slice(0, 500)).toBe(200);
  return answer;
}

const eventsIn = (from: number, to: number): EventEnvelope[] =>
  fixture.objects.flatMap((o) => o.events).filter((e) => e.timestamp >= from && e.timestamp <= to);

const weight = (e: EventEnvelope) => e.sampleRate ?? 1;

/** Weighted counts (sampleRate) by a field of the envelope. */
function weightedBy(events: readonly EventEnvelope[], key: (e: EventEnvelope) => string | number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) out[key(e)] = (out[key(e)] ?? 0) + weight(e);
  return out;
}

const keyMinute = (key: string) => {
  const m = /^tail-events\/(\d{4}-\d{2}-\d{2})\/importance-\d\/(\d{2})-(\d{2})-/.exec(key)!;
  return Date.parse(`${m[1]}T${m[2]}:${m[3]}:00Z`);
};

/**
 * The listing touched only the range's importance-hours, from the minute one hour before it, and
 * the objects read may all hold events of the range.
 */
function expectBoundedTo(seen: ObservedR2, from: number, to: number): void {
  const lookBack = Math.floor((from - HOUR_MS) / 60_000) * 60_000;
  const hours: number[] = [];
  for (let h = hourStartOf(lookBack); h <= hourStartOf(to); h += HOUR_MS) hours.push(h);
  const prefixes = new Set(hours.flatMap((h) => [0, 1, 2, 3].map((i) => hourPrefix(h, i))));
  for (const list of seen.lists) expect(prefixes.has(list.prefix ?? ""), `listed ${list.prefix}`).toBe(true);
  const listed = new Set(seen.listedKeys);
  for (const key of listed) expect(keyMinute(key)).toBeGreaterThanOrEqual(lookBack);
  for (const key of listed) expect(keyMinute(key)).toBeLessThan(hourStartOf(to) + HOUR_MS);
  const inHours = fixture.objects.filter((o) => keyMinute(o.key) >= lookBack && keyMinute(o.key) < hourStartOf(to) + HOUR_MS);
  expect(listed.size).toBeLessThanOrEqual(inHours.length);
  for (const key of seen.reads) {
    const object = fixture.byKey.get(key)!;
    expect(Date.parse(object.customMetadata.firstEventAt!)).toBeLessThanOrEqual(to);
    expect(Date.parse(object.customMetadata.lastEventAt!)).toBeGreaterThanOrEqual(from);
  }
  const candidates = fixture.objects.filter(
    (o) => Date.parse(o.customMetadata.firstEventAt!) <= to && Date.parse(o.customMetadata.lastEventAt!) >= from,
  );
  expect(new Set(seen.reads)).toEqual(new Set(candidates.map((o) => o.key)));
}

describe("the busy-day fixture", { timeout: 300_000 }, () => {
  it("holds more than 50,000 objects across every importance and several shards", () => {
    expect(fixture.objects.length).toBeGreaterThan(50_000);
    for (const importance of [0, 1, 2, 3]) expect(fixture.objects.some((o) => o.key.includes(`/importance-${importance}/`))).toBe(true);
    for (const tag of SHARD_TAGS) expect(fixture.objects.some((o) => o.key.includes(`-${tag}`))).toBe(true);
  });
});

describe("queries on a busy day", { timeout: 300_000 }, () => {
  it("answers from:-15m exactly, listing only that quarter hour and one hour before, reading only candidates", async () => {
    const { env: observed, seen } = observedEnv();
    const answer = await query(observed, {
      from: "-15m",
      groupBy: ["type"],
      aggregates: [{ fn: "count" }],
      orderBy: [{ field: "type", dir: "asc" }],
      limit: 100,
    });
    const from = Date.parse(answer.range.from);
    const to = Date.parse(answer.range.to);
    const expected = weightedBy(eventsIn(from, to), (e) => e.type);
    expect(Object.fromEntries(answer.rows.map((r) => [r.type, r.count]))).toEqual(expected);
    expect(Object.keys(expected).length).toBeGreaterThan(5);
    expectBoundedTo(seen, from, to);
  });

  it("answers a 2-hour range mid-day exactly, as DuckDB does over the stored objects", async () => {
    const from = hourStartOf(fixture.end - 12 * HOUR_MS) + 17 * 60_000;
    const to = from + 2 * HOUR_MS;
    const { env: observed, seen } = observedEnv();
    const answer = await query(observed, {
      from,
      to,
      groupBy: ["type"],
      aggregates: [{ fn: "count" }, { fn: "p95", field: "durationMs" }, { fn: "count_distinct", field: "capsuleId" }],
      orderBy: [{ field: "type", dir: "asc" }],
    });
    expectBoundedTo(seen, from, to);

    const stored = [];
    for (let h = hourStartOf(from - HOUR_MS); h <= hourStartOf(to); h += HOUR_MS)
      for (const importance of [0, 1, 2, 3]) stored.push(...(await archiveObjects(env.ARCHIVE, hourPrefix(h, importance))));
    const rows = await duckdbQuery(
      stored,
      `WITH e AS (
         SELECT type, coalesce(sampleRate, 1)::DOUBLE AS w, TRY_CAST(json_extract(to_json(data), '$.durationMs') AS DOUBLE) AS d,
                json_extract_string(to_json(data), '$.capsuleId') AS capsule
         FROM events WHERE timestamp BETWEEN ${from} AND ${to}),
       ranked AS (
         SELECT type, d, sum(w) OVER (PARTITION BY type ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cw,
                sum(w) OVER (PARTITION BY type) AS tw
         FROM e WHERE d IS NOT NULL)
       SELECT e.type, sum(w)::DOUBLE AS count,
              (SELECT min(d) FROM ranked r WHERE r.type = e.type AND r.cw >= 0.95 * r.tw) AS p95,
              count(DISTINCT capsule)::INTEGER AS distinct_capsules
       FROM e GROUP BY e.type ORDER BY e.type`,
    );
    // Counts exact; percentiles of groups past 1,000 values within the sketch's relative error.
    expect(answer.rows.map((r) => [r.type, r.count, r.count_distinct_capsuleId])).toEqual(
      rows.map((r) => [r.type, Number(r.count), Number(r.distinct_capsules)]),
    );
    rows.forEach((r, i) => {
      const got = answer.rows[i]!.p95_durationMs as number | null;
      if (r.p95 === null) expect(got).toBeNull();
      else expect(Math.abs(got! - Number(r.p95))).toBeLessThanOrEqual(RELATIVE_ACCURACY * Number(r.p95));
    });
    expect(rows.some((r) => r.p95 !== null)).toBe(true);
    expect(rows.length).toBeGreaterThan(5);
  });

  it("answers a range across midnight exactly, from both days' objects", async () => {
    const midnight = Math.floor((fixture.end - 60_000) / DAY_MS) * DAY_MS;
    const from = Math.max(midnight - 45 * 60_000, fixture.end - HOURS * HOUR_MS + HOUR_MS);
    const to = Math.min(midnight + 45 * 60_000, fixture.end);
    expect(from < midnight && midnight < to).toBe(true);
    const { env: observed, seen } = observedEnv();
    const answer = await query(observed, { from, to, groupBy: ["importance"], orderBy: [{ field: "importance", dir: "asc" }] });
    const expected = weightedBy(eventsIn(from, to), (e) => e.importance);
    expect(Object.fromEntries(answer.rows.map((r) => [r.importance, r.count]))).toEqual(expected);
    expectBoundedTo(seen, from, to);
    const days = new Set(seen.reads.map((k) => k.slice("tail-events/".length, "tail-events/".length + 10)));
    expect(days.size).toBe(2);
  });

  it("counts stored events by bucket and importance for 24 hours from the listing, reading nothing but edge objects", async () => {
    const { env: observed, seen } = observedEnv();
    const answer = await query(observed, { from: "-24h", select: "counts", bucket: "1h", includeBuffered: false });
    const from = Date.parse(answer.range.from);
    const to = Date.parse(answer.range.to);
    const expected = new Map<string, number>();
    for (const e of eventsIn(from, to)) {
      const id = `${Math.floor(e.timestamp / HOUR_MS) * HOUR_MS}/${e.importance}`;
      expected.set(id, (expected.get(id) ?? 0) + 1);
    }
    const total = (rows: { events: number }[]) => rows.reduce((s, r) => s + r.events, 0);
    const rows = answer.rows as { bucket: number; importance: number; events: number }[];
    expect(total(rows)).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    // Objects never span an hour, so hourly buckets are exact too.
    expect(Object.fromEntries(rows.map((r) => [`${r.bucket}/${r.importance}`, r.events]))).toEqual(Object.fromEntries(expected));
    // Only objects straddling the range's start are read.
    expect(seen.reads.length).toBeLessThan(40);
    expect(answer.scanned.objects).toBe(seen.reads.length);
  });

  it("reads a bounded sample of a day when asked, saying so, with counts scaled near the truth", async () => {
    const answer = await query(env as Env, {
      from: "-24h",
      groupBy: ["importance"],
      sample: true,
      orderBy: [{ field: "importance", dir: "asc" }],
    });
    const sampled = (answer as unknown as { sampled: { objects: number; candidateObjects: number; mode: string } }).sampled;
    expect(sampled.mode).toBe("spread");
    expect(sampled.objects).toBeLessThanOrEqual(2000);
    expect(sampled.candidateObjects).toBeGreaterThan(40_000);
    const from = Date.parse(answer.range.from);
    const to = Date.parse(answer.range.to);
    const expected = weightedBy(eventsIn(from, to), (e) => e.importance);
    for (const row of answer.rows) {
      const truth = expected[row.importance as number]!;
      expect(Math.abs((row.count as number) - truth) / truth).toBeLessThan(0.1);
    }
  });

  it("answers the newest CRITICAL and HIGH events of 24 hours reading only the newest objects", async () => {
    const { env: observed, seen } = observedEnv();
    const answer = await query(observed, {
      from: "-24h",
      select: "events",
      where: [{ field: "importance", op: "lte", value: 1 }],
      limit: 20,
    });
    const to = Date.parse(answer.range.to);
    const expected = eventsIn(Date.parse(answer.range.from), to)
      .filter((e) => e.importance <= 1)
      .sort((a, b) => b.timestamp - a.timestamp || (a.id < b.id ? -1 : 1))
      .slice(0, 20);
    expect(answer.rows.map((e) => e.id)).toEqual(expected.map((e) => e.id));
    expect(seen.reads.length).toBeLessThan(60);
  });
});
