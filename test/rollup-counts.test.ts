import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { HOUR_MS, hourPrefix } from "../schemas/archive/listing";
import type { Env } from "../schemas/config/env";
import type { EventEnvelope } from "../schemas/event-envelope";
import { RELATIVE_ACCURACY } from "../schemas/lib/quantile-sketch";
import { type BusyObject, busyDay, SHARD_TAGS, writeBusyDay } from "../scripts/lib/busy-day.mjs";
import { countQueries } from "../tail-worker/dashboard/js/dashboard-queries.js";
import { WINDOWS } from "../tail-worker/dashboard/js/time-window.js";
import { router } from "../tail-worker/http/router";
import { type CapacityWeek, syntheticEvents, WEEK_HOURS, writeCapacityWeek } from "./helpers/capacity-week";
import { archiveObjects, duckdbQuery, type EngineObject } from "./helpers/duckdb";
import { type ObservedR2, observedBucket } from "./helpers/observed-bucket";
import { variedEnvelopes, wireEventOf } from "./helpers/rollup-events";

// A week at the documented capacity in rollup form (5 shards × 169 hours, built by the collectors'
// rollup code from synthetic flushes; test/helpers/capacity-week.ts) plus a busy day's archive
// objects and their rollups: the dashboard's count queries answer exactly for every window, from
// rollups alone, with R2 operations that follow the window's hours, not its objects. Expected
// counts: the synthetic events by hand, the archive's events by DuckDB over the objects in R2.

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const MINUTE = 60_000;
const DAY = 24 * HOUR_MS;

let week: CapacityWeek;
let busy: BusyObject[];

beforeAll(async () => {
  // The fixture archives whole minutes before `end` (capacity-week.ts): an `end` in an hour's
  // first minute leaves that hour with nothing archived and no rollup segment, and counts take an
  // hour without segments from the archive listing (exactly, but "mixed", not from rollups alone,
  // which is what this file checks). Such an `end` moves back into the hour before.
  let end = Date.now() - MINUTE;
  if (end % HOUR_MS < MINUTE) end -= (end % HOUR_MS) + MINUTE;
  // 60 objects an hour: every shard archives into every hour of the day (a second segment each).
  busy = busyDay({ end, hours: 26, perHour: 60 });
  await writeBusyDay(env.ARCHIVE, busy);
  week = await writeCapacityWeek(env.ARCHIVE, { end, tags: SHARD_TAGS, busy });
}, 1_200_000);

/** The worker's env with R2 observed: list calls and keys read. */
function observedEnv(): { env: Env; seen: ObservedR2 } {
  const { bucket, seen } = observedBucket(env.ARCHIVE);
  return { env: { ...env, ARCHIVE: bucket } as Env, seen };
}

type Answer = {
  rows: Record<string, unknown>[];
  range: { from: string; to: string };
  rollups?: Record<string, unknown>;
  scanned?: Record<string, unknown>;
  error?: unknown;
};

async function batch(environment: Env, queries: Record<string, unknown>): Promise<Record<string, Answer>> {
  const names = Object.keys(queries);
  const res = await router.fetch(
    new Request("http://do-tail/query/batch", { method: "POST", body: JSON.stringify({ queries: names.map((n) => queries[n]) }) }),
    environment,
    ctx,
  );
  const body = (await res.json()) as { answers: Answer[] };
  expect(res.status, JSON.stringify(body).slice(0, 400)).toBe(200);
  return Object.fromEntries(names.map((n, i) => [n, body.answers[i]!]));
}

type Tally = Map<string, { events: number; count: number }>;

/** Adds `events` stored events, weighing `count` (by sampleRate), to a key's tally. */
const add = (map: Tally, key: string, events: number, count: number) => {
  const entry = map.get(key) ?? { events: 0, count: 0 };
  entry.events += events;
  entry.count += count;
  map.set(key, entry);
};

/** What the dashboard's count panels show, each panel's counts by its row key. */
interface Panels {
  timeline: Tally;
  types: Tally;
  scripts: Tally;
  outcomes: Tally;
}

const emptyPanels = (): Panels => ({ timeline: new Map(), types: new Map(), scripts: new Map(), outcomes: new Map() });

/** The dashboard's queries of one refresh, ending at `to` rather than at the clock's now. */
function withTo(queries: Record<string, Record<string, unknown>>, to: number, extra: Record<string, unknown> = {}) {
  return Object.fromEntries(Object.entries(queries).map(([name, q]) => [name, { ...q, to, ...extra }]));
}

/** The synthetic events of [from, to] (archived only as rollups), counted by hand with the events each stands for. */
function syntheticPanels(from: number, to: number, bucketMs: number): Panels {
  const panels = emptyPanels();
  syntheticEvents(week, (_shard, e, scale) => {
    if (e.timestamp < from || e.timestamp > to) return;
    const count = scale * (e.sampleRate ?? 1);
    add(panels.timeline, `${Math.floor(e.timestamp / bucketMs) * bucketMs}/${e.importance}`, scale, count);
    add(panels.types, String(e.type), scale, count);
    add(panels.scripts, String(e.script), scale, count);
    if (e.kind === "invocation") {
      const data = e.data as { outcome?: unknown; status?: unknown };
      add(panels.outcomes, `${data.outcome ?? null}|${data.status ?? null}`, scale, count);
    }
  });
  return panels;
}

/** Archive events of one minute with the same importance, type, script, kind and invocation outcome and status. */
interface MinuteRow {
  minute: number;
  importance: number;
  type: unknown;
  script: unknown;
  kind: unknown;
  outcome: unknown;
  status: unknown;
  events: number;
  count: number;
}

/** Every archive object of the hours of [from, to], read back from R2. */
async function archiveObjectsOf(from: number, to: number): Promise<EngineObject[]> {
  const objects: EngineObject[] = [];
  for (let hour = Math.floor(from / HOUR_MS) * HOUR_MS; hour <= to; hour += HOUR_MS)
    for (const importance of [0, 1, 2, 3]) objects.push(...(await archiveObjects(env.ARCHIVE, hourPrefix(hour, importance))));
  return objects;
}

/** The archive's events of [from, to], counted by DuckDB per minute and everything a panel groups by. */
async function duckdbMinutes(from: number, to: number): Promise<MinuteRow[]> {
  const objects = await archiveObjectsOf(from, to);
  if (objects.length === 0) return [];
  const rows = await duckdbQuery(
    objects,
    `SELECT (floor(timestamp / ${MINUTE}) * ${MINUTE})::BIGINT AS minute, importance, type, script, kind,
            to_json(data)->>'outcome' AS outcome, to_json(data)->>'status' AS status,
            count(*)::DOUBLE AS events, sum(coalesce(sampleRate, 1))::DOUBLE AS count
       FROM events WHERE timestamp BETWEEN ${from} AND ${to}
      GROUP BY ALL`,
  );
  return rows.map(
    (r) =>
      ({ ...r, minute: Number(r.minute), importance: Number(r.importance), events: Number(r.events), count: Number(r.count) }) as MinuteRow,
  );
}

/**
 * The archive's minutes of the week before its last hour, counted once: the busy day wrote them
 * before any test, and the tests that archive more (old hours before the week, a live collector
 * at its end) count theirs afresh.
 */
let settledMinutes: Promise<MinuteRow[]> | undefined;

/** The archive's events of the whole minutes from `from` to `to`, as DuckDB counts them, added to `panels`. */
async function addArchivePanels(panels: Panels, from: number, to: number, bucketMs: number, { fresh = false } = {}): Promise<Panels> {
  const lastHour = fresh ? Number.NEGATIVE_INFINITY : Math.floor(week.end / HOUR_MS) * HOUR_MS;
  const rows: MinuteRow[] = [];
  if (from >= week.firstHour && from < lastHour) {
    settledMinutes ??= duckdbMinutes(week.firstHour, lastHour - 1);
    rows.push(...(await settledMinutes).filter((r) => r.minute >= from && r.minute <= to));
  }
  if (from < week.firstHour || to >= lastHour)
    rows.push(...(await duckdbMinutes(from < week.firstHour || from >= lastHour ? from : lastHour, to)));
  for (const r of rows) {
    add(panels.timeline, `${Math.floor(r.minute / bucketMs) * bucketMs}/${r.importance}`, r.events, r.count);
    add(panels.types, String(r.type), r.events, r.count);
    add(panels.scripts, String(r.script), r.events, r.count);
    if (r.kind === "invocation") add(panels.outcomes, `${r.outcome}|${r.status}`, r.events, r.count);
  }
  return panels;
}

/** What the dashboard's count panels should show for [from, to]: the synthetic events by hand, the archive's by DuckDB. */
function expectedPanels(from: number, to: number, bucketMs: number, options: { fresh?: boolean } = {}): Promise<Panels> {
  return addArchivePanels(syntheticPanels(from, to, bucketMs), from, to, bucketMs, options);
}

/** Every event of [from, to], synthetic (with the events each stands for) and busy. */
function eventsIn(from: number, to: number, visit: (event: EventEnvelope, scale: number) => void): void {
  syntheticEvents(week, (_shard, event, scale) => {
    if (event.timestamp >= from && event.timestamp <= to) visit(event, scale);
  });
  for (const object of busy) for (const event of object.events) if (event.timestamp >= from && event.timestamp <= to) visit(event, 1);
}

/** The weighted nearest-rank percentiles `qs` of invocation wall times in [from, to], exactly. */
function exactWallTimes(from: number, to: number, qs: readonly number[]): number[] {
  const weights = new Map<number, number>();
  let total = 0;
  eventsIn(from, to, (e, scale) => {
    const wall = (e.data as { wallTime?: unknown }).wallTime;
    if (e.kind !== "invocation" || typeof wall !== "number") return;
    const w = scale * (e.sampleRate ?? 1);
    weights.set(wall, (weights.get(wall) ?? 0) + w);
    total += w;
  });
  const sorted = [...weights].sort((a, b) => a[0] - b[0]);
  return qs.map((q) => {
    let seen = 0;
    for (const [value, w] of sorted) {
      seen += w;
      if (seen >= q * total * (1 - 1e-12)) return value;
    }
    return Number.NaN;
  });
}

const rowsBy = (rows: Record<string, unknown>[], key: (r: Record<string, unknown>) => string) =>
  new Map(rows.map((r) => [key(r), { events: r.events as number, count: r.count as number }]));

describe("dashboard counts at capacity", { timeout: 600_000 }, () => {
  it("has a week of rollups for five shards", () => {
    expect(week.rollupObjects).toBeGreaterThanOrEqual(WEEK_HOURS * SHARD_TAGS.length);
  });

  for (const windowName of ["15m", "1h", "6h", "24h", "7d"] as const) {
    it(`answers the ${windowName} window exactly from rollups, reading per hour, not per object`, async () => {
      const window = WINDOWS[windowName];
      // The window ends where the fixture does, whatever hour the clock has reached since.
      const now = week.end;
      const from = Math.floor((now - window.ms) / MINUTE) * MINUTE;
      const { env: observed, seen } = observedEnv();
      const answers = await batch(observed, withTo(countQueries(from, window.bucket), now));
      const range = { from: Date.parse(answers.timeline!.range.from), to: Date.parse(answers.timeline!.range.to) };
      expect(range.from).toBe(from);
      for (const answer of Object.values(answers)) {
        expect(answer.error).toBeUndefined();
        expect(answer.rollups).toMatchObject({ source: "rollups", listedHours: [], unreadHours: [] });
      }

      const expected = await expectedPanels(range.from, range.to, window.bucketMs);
      expect(rowsBy(answers.timeline!.rows, (r) => `${r.bucket}/${r.importance}`)).toEqual(expected.timeline);
      expect(rowsBy(answers.types!.rows, (r) => String(r.type))).toEqual(expected.types);
      expect(rowsBy(answers.scripts!.rows, (r) => String(r.script))).toEqual(expected.scripts);
      expect(rowsBy(answers.outcomes!.rows, (r) => `${r.outcome}|${r.status}`)).toEqual(expected.outcomes);
      const slotFrom = Math.floor(range.from / (15 * MINUTE)) * 15 * MINUTE;
      const [p50, p95] = exactWallTimes(slotFrom, range.to, [0.5, 0.95]);
      const timings = answers.timings!.rows[0]!;
      expect(Math.abs((timings.p50_wallTime as number) - p50!)).toBeLessThanOrEqual(RELATIVE_ACCURACY * p50!);
      expect(Math.abs((timings.p95_wallTime as number) - p95!)).toBeLessThanOrEqual(RELATIVE_ACCURACY * p95!);

      // R2: a list call per day of the window and a read per shard and hour (two segments for the
      // busy day's hours), never the archive's objects or their listing.
      const hours = Math.ceil((range.to - Math.floor(range.from / HOUR_MS) * HOUR_MS) / HOUR_MS);
      const days = Math.ceil(window.ms / DAY) + 1;
      expect(seen.lists.every((list) => list.prefix?.startsWith("tail-rollups/"))).toBe(true);
      expect(seen.lists.length).toBeLessThanOrEqual(days);
      expect(seen.reads.every((key) => key.startsWith("tail-rollups/"))).toBe(true);
      expect(seen.reads.length).toBeLessThanOrEqual(hours * SHARD_TAGS.length * 2);
      expect(new Set(seen.reads).size).toBe(seen.reads.length);
    });
  }

  it("counts an hour of several rollup segments per shard as DuckDB counts its archive (plus its capacity figures)", async () => {
    const hour = Math.floor((week.end - 3 * HOUR_MS) / HOUR_MS) * HOUR_MS;
    // Each shard let the hour go, then archived busy-day objects into it: a second segment each.
    const listed = await env.ARCHIVE.list({
      prefix: `tail-rollups/${new Date(hour).toISOString().slice(0, 10)}/${new Date(hour).toISOString().slice(11, 13)}/`,
    });
    for (const tag of SHARD_TAGS) expect(listed.objects.filter((o) => o.key.includes(`/${tag}-`)).length, tag).toBeGreaterThanOrEqual(2);

    const answers = await batch(env as Env, withTo(countQueries(hour, "1m"), hour + HOUR_MS - 1, { includeBuffered: false }));
    const expected = await expectedPanels(hour, hour + HOUR_MS - 1, MINUTE);
    expect(expected.types.size).toBeGreaterThan(3);
    expect(rowsBy(answers.timeline!.rows, (r) => `${r.bucket}/${r.importance}`)).toEqual(expected.timeline);
    expect(rowsBy(answers.types!.rows, (r) => String(r.type))).toEqual(expected.types);
    expect(rowsBy(answers.scripts!.rows, (r) => String(r.script))).toEqual(expected.scripts);
    expect(rowsBy(answers.outcomes!.rows, (r) => `${r.outcome}|${r.status}`)).toEqual(expected.outcomes);
    expect(answers.types!.rollups).toMatchObject({ source: "rollups", stored: listed.objects.length });
  });

  it("answers each query of a batch on its own: a bad one its error, the others their rows", async () => {
    const answers = await batch(env as Env, {
      bad: { from: week.end - HOUR_MS, to: week.end, select: "counts", groupBy: ["data.path"] },
      good: { from: week.end - HOUR_MS, to: week.end, select: "counts", groupBy: ["type"], includeBuffered: false },
    });
    expect(answers.bad).toMatchObject({ error: { status: 400, message: expect.stringMatching(/^groupBy\[0\]/) } });
    expect(answers.good!.rows.length).toBeGreaterThan(3);
    const tooMany = await router.fetch(
      new Request("http://do-tail/query/batch", { method: "POST", body: JSON.stringify({ queries: Array(21).fill({ from: "-1h" }) }) }),
      env as Env,
      ctx,
    );
    expect(tooMany.status).toBe(400);
  });

  it("counts hours without rollups (archives from before them) from the listing, and says so", async () => {
    // Two hours archived eight days before the week's end, by collectors that kept no rollups.
    const oldEnd = Math.floor((week.firstHour - DAY) / HOUR_MS) * HOUR_MS;
    const old = busyDay({ end: oldEnd, hours: 2, perHour: 40, seed: 11 });
    await writeBusyDay(env.ARCHIVE, old);
    const from = oldEnd - 2 * HOUR_MS;
    const { env: observed, seen } = observedEnv();
    const answers = await batch(observed, {
      timeline: { from, to: oldEnd - 1, select: "counts", bucket: "1h", includeBuffered: false },
      types: { from, to: oldEnd - 1, select: "counts", groupBy: ["type"], includeBuffered: false },
      mixed: { from, to: week.firstHour + 2 * HOUR_MS - 1, select: "counts", includeBuffered: false },
    });
    const oldEvents = old.flatMap((o) => o.events);
    expect(answers.timeline!.rollups).toMatchObject({ source: "listing", hours: 0 });
    expect((answers.timeline!.rows as { events: number }[]).reduce((s, r) => s + r.events, 0)).toBe(oldEvents.length);
    const archived = await addArchivePanels(emptyPanels(), from, oldEnd - 1, HOUR_MS);
    expect(rowsBy(answers.types!.rows, (r) => String(r.type))).toEqual(archived.types);
    expect(seen.lists.some((list) => list.prefix?.startsWith("tail-events/"))).toBe(true);
    // A range across the first rollups: their hours from rollups, the others from the listing.
    expect(answers.mixed!.rollups).toMatchObject({ source: "mixed", hours: 2 });
    let synthetic = 0;
    syntheticEvents(week, (_shard, e, scale) => {
      if (e.timestamp < week.firstHour + 2 * HOUR_MS) synthetic += scale;
    });
    expect((answers.mixed!.rows as { events: number }[]).reduce((s, r) => s + r.events, 0)).toBe(oldEvents.length + synthetic);
  });

  it("counts an hour still open in a live collector, archived and buffered, once, as DuckDB counts them once archived", async () => {
    const shard = env.TAIL_COLLECTOR.get(env.TAIL_COLLECTOR.idFromName("collector-0"));
    const end = week.end;
    const flushed = variedEnvelopes(
      Array.from({ length: 40 }, (_, i) => end - 10 * MINUTE + i * 1000),
      "live",
    );
    await shard.ingest({ events: flushed.map(wireEventOf) });
    expect((await shard.flush()).errors).toEqual([]);
    const buffered = variedEnvelopes(
      Array.from({ length: 12 }, (_, i) => end - 5 * MINUTE + i * 1000),
      "buf",
    );
    await shard.ingest({ events: buffered.map(wireEventOf) });

    const from = Math.floor((end - 15 * MINUTE) / MINUTE) * MINUTE;
    const { env: observed, seen } = observedEnv();
    const answers = await batch(observed, withTo(countQueries(from, "1m"), end));
    const to = Date.parse(answers.types!.range.to);
    // The live collector's archive objects are not read: its snapshot counted them, and its buffer.
    expect(seen.reads.every((key) => key.startsWith("tail-rollups/"))).toBe(true);
    expect(answers.types!.rollups).toMatchObject({ source: "rollups", fromCollectors: 1 });
    expect(answers.types!.scanned).toMatchObject({ buffered: buffered.length });

    // Once its buffer is archived too, the archive holds every event the answer counted.
    expect((await shard.flush()).errors).toEqual([]);
    const expected = await expectedPanels(from, to, MINUTE, { fresh: true });
    expect(expected.types.get("payment_failed")).toBeDefined();
    expect(rowsBy(answers.timeline!.rows, (r) => `${r.bucket}/${r.importance}`)).toEqual(expected.timeline);
    expect(rowsBy(answers.types!.rows, (r) => String(r.type))).toEqual(expected.types);
    expect(rowsBy(answers.scripts!.rows, (r) => String(r.script))).toEqual(expected.scripts);
    expect(rowsBy(answers.outcomes!.rows, (r) => `${r.outcome}|${r.status}`)).toEqual(expected.outcomes);
  });
});
