import { createExecutionContext, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterAll, describe, expect, inject, it } from "vitest";
import { AnalyticsEngineSink } from "../../collector-do/forward/engine-sink";
import { Forwarder } from "../../collector-do/forward/forwarder";
import type { TailCollector } from "../../collector-do/tail-collector";
import type { DataPoint } from "../../schemas/analytics/data-point";
import { mappingFor } from "../../schemas/analytics/mappings";
import type { Env } from "../../schemas/config/env";
import worker from "../../tail-worker/index";
import type { FleetInsight, MonitorInsight } from "../../tail-worker/insights/insight-shapes";
import { analyticsSqlStandIn } from "../../test/helpers/analytics-sql-binding";
import { readArchives } from "../../test/helpers/archive";
import { collector } from "../../test/helpers/collector";
import { recordingDataset } from "../../test/helpers/recording-dataset";
import { MONITORS, trafficMix } from "../../test/helpers/traffic-mix";
import { EXPECTED } from "./expected-figures";
import { compareBy, type Event, type Figures, type Row } from "./figure-math";
import { expectSameFleet, expectSameMonitor, same } from "./insight-answers";

declare module "vitest" {
  export interface ProvidedContext {
    clickhouseUrl: string;
    analyticsQueries: { name: string; sql: string }[];
  }
}

// The dashboard SQL of schemas/analytics/queries/, proven on ClickHouse (the engine under
// Analytics Engine's SQL API). The traffic mix goes through the real tail() with forwarding and
// tail sampling on; the data points the collector writes are observed through a recording wrapper
// of the ANALYTICS binding (a no-op locally), loaded into ClickHouse in Analytics Engine's table
// shape, and every query is run there. Its rows must equal the same figures computed by hand from
// the archived events (expected-figures.ts). A query ClickHouse refuses, or a figure that differs,
// fails the check.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.now();
// Traffic at several ages, each well inside or well outside the queries' windows (1 hour, 24
// hours, 1, 7 and 30 days): at least ten minutes from any window's edge.
const ERAS = [
  { start: NOW - 40 * DAY, invocations: 20, stepMs: 10 * MINUTE, seed: 1 },
  { start: NOW - 12 * DAY, invocations: 40, stepMs: 5 * MINUTE, seed: 2 },
  { start: NOW - 4 * DAY, invocations: 80, stepMs: 3 * MINUTE, seed: 3 },
  { start: NOW - 23 * HOUR, invocations: 500, stepMs: 150_000, seed: 4 },
  // Enough that tail sampling (drawn from random invocation ids, so different each run) leaves
  // every monitor heartbeats in the last hour: about 18 each before sampling, none left for some
  // monitor about once in 60,000 runs.
  { start: NOW - 50 * MINUTE, invocations: 450, stepMs: 5_000, seed: 5 },
];
const SAMPLED = [
  "run_complete",
  "heartbeat",
  "player_console_log",
  "import",
  "publish",
  "artifact_compile",
  "artifact_compile_queued",
  "runtime_event",
  "safety_verdict",
  "live_waitlist",
  "AI.Generation.completed",
];
const TAIL_ENV = {
  ...env,
  ANALYTICS_ENABLED: "true",
  SAMPLING: JSON.stringify({ rates: Object.fromEntries(SAMPLED.map((type) => [type, 0.5])) }),
} as Env;

interface TableRow {
  timestamp: number;
  _sample_interval: number;
  index1: string;
  blobs: string[];
  doubles: number[];
}

async function clickhouse<T>(path: string, body: object): Promise<T & { error?: string }> {
  const response = await fetch(`${inject("clickhouseUrl")}${path}`, { method: "POST", body: JSON.stringify(body) });
  return (await response.json()) as T & { error?: string };
}

/**
 * Runs the traffic through tail() one invocation at a time, so that each write the collector makes
 * can be paired with the invocation it came from: each logs one wide event at its own time, so a
 * point's time is that invocation's, in whole seconds. (Tail sampling draws from the random
 * invocation id, so the selection cannot be computed again outside tail(): the points are checked
 * against the archive instead.)
 */
async function forwardTraffic(): Promise<{ points: { second: number; point: DataPoint }[]; events: Event[] }> {
  const recorder = recordingDataset(env.ANALYTICS!);
  await runInDurableObject(collector("collector-0"), (instance: TailCollector) => {
    instance.forwarder = new Forwarder([new AnalyticsEngineSink(recorder.dataset)]);
  });
  const points: { second: number; point: DataPoint }[] = [];
  for (const era of ERAS) {
    for (const item of trafficMix(era)) {
      const before = recorder.writes.length;
      await worker.tail([item] as unknown as TraceItem[], TAIL_ENV);
      const written = recorder.writes.slice(before) as DataPoint[];
      expect(written.length).toBeLessThanOrEqual(1);
      for (const point of written) points.push({ second: Math.floor(item.eventTimestamp! / 1000), point });
    }
  }
  // Every point the collector counts as forwarded was seen here.
  expect((await collector("collector-0").stats()).counters.analytics.engine.forwarded).toBe(points.length);
  const flush = await exports.default.fetch("http://do-tail/flush", { method: "POST" });
  expect(((await flush.json()) as { errors: string[] }).errors).toEqual([]);
  const events = (await readArchives(env.ARCHIVE)).flatMap((a) => a.events) as Event[];
  // One point per archived event with a mapping that passed its schema, of that event's name.
  const forwarded = events.filter((e) => mappingFor(e.type) !== undefined && e.validation === undefined);
  expect(points.map((p) => p.second * 1000).sort()).toEqual(forwarded.map((e) => Math.floor(e.timestamp / 1000) * 1000).sort());
  return { points, events };
}

/**
 * Identical points (same second, index, blobs and doubles: copies of one event from a burst) as
 * one row standing for all of them, as Analytics Engine's sampling stores rows: so every query's
 * weighting by _sample_interval is exercised, exactly.
 */
function tableRows(points: readonly { second: number; point: DataPoint }[]): TableRow[] {
  const rows = new Map<string, TableRow>();
  for (const { second, point } of points) {
    const key = JSON.stringify([second, point]);
    const row = rows.get(key);
    if (row) row._sample_interval++;
    else
      rows.set(key, { timestamp: second, _sample_interval: 1, index1: point.indexes[0] ?? "", blobs: point.blobs, doubles: point.doubles });
  }
  return [...rows.values()];
}

let loaded: Promise<{ events: Event[]; points: number; rows: TableRow[] }> | undefined;
function load() {
  loaded ??= (async () => {
    const { points, events } = await forwardTraffic();
    const rows = tableRows(points);
    const answer = await clickhouse<{ rows: number }>("/load", { rows });
    expect(answer).toEqual({ rows: rows.length });
    return { events, points: points.length, rows };
  })();
  return loaded;
}

const canonical = (row: Row) =>
  JSON.stringify(Object.entries(row).map(([k, v]) => [k, typeof v === "number" ? Number(v.toPrecision(9)) : v]));

/**
 * The rows in the query's order; rows that tie on its ORDER BY (or all rows, without one) may
 * come in any order among themselves.
 */
let rowsCompared = 0;

function expectFigures(actual: Row[], { rows: expected, order }: Figures): void {
  rowsCompared += expected.length;
  expect(actual.length, `${JSON.stringify(actual)}\nexpected\n${JSON.stringify(expected)}`).toBe(expected.length);
  let start = 0;
  while (start < expected.length) {
    let end = start + 1;
    while (end < expected.length && order.length > 0 && compareBy(order, expected[start]!, expected[end]!) === 0) end++;
    if (order.length === 0) end = expected.length;
    const want = expected.slice(start, end).sort((a, b) => (canonical(a) < canonical(b) ? -1 : 1));
    const got = actual.slice(start, end).sort((a, b) => (canonical(a) < canonical(b) ? -1 : 1));
    for (const [i, row] of got.entries()) {
      expect(Object.keys(row).sort()).toEqual(Object.keys(want[i]!).sort());
      for (const [column, value] of Object.entries(want[i]!)) {
        expect(
          same(row[column], value),
          `row ${start + i}, ${column}: ClickHouse ${JSON.stringify(row[column])}, archive ${JSON.stringify(value)}`,
        ).toBe(true);
      }
    }
    start = end;
  }
}

describe("Analytics Engine SQL on ClickHouse, against the archive", () => {
  afterAll(async () => {
    const { points, rows } = await load();
    console.info(
      `analytics-sql: ${inject("analyticsQueries").length} queries, ${rowsCompared} rows compared; ${points} data points loaded as ${rows.length} rows`,
    );
  });

  it("has figures for every query in schemas/analytics/queries/, and no others", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(inject("analyticsQueries").map((q) => q.name));
  });

  // Building the traffic through tail() takes a while on a busy machine; no timing is asserted.
  it("loads the forwarded points, some of them sampled and some standing for several", { timeout: 600_000 }, async () => {
    const { rows, points, events } = await load();
    expect(points).toBeGreaterThan(300);
    expect(rows.some((r) => r._sample_interval > 1)).toBe(true);
    // Tail sampling: some points stand for two events (their last double), as their events do.
    expect(rows.some((r) => r.doubles.at(-1) === 2)).toBe(true);
    expect(events.some((e) => e.sampleRate === 2)).toBe(true);
    // Invalid events are archived, and not forwarded.
    expect(events.some((e) => e.validation !== undefined)).toBe(true);
  });

  for (const { name, sql } of inject("analyticsQueries")) {
    it(name, async () => {
      const { events } = await load();
      const answer = await clickhouse<{ rows: Row[] }>("/query", { sql });
      expect(answer.error, `ClickHouse refused ${name}:\n${sql}`).toBeUndefined();
      const figures = EXPECTED[name]!(events, NOW);
      expect(figures.rows.length, "the traffic mix has nothing this query counts").toBeGreaterThan(0);
      expectFigures(answer.rows, figures);
    });
  }
});

/**
 * The Worker's own /insights with an Analytics SQL binding whose queries run on this ClickHouse,
 * as the Analytics SQL API runs them (analytics-sql-api.mjs), over the data points loaded above;
 * and the same requests without the binding, answered from the archive. insight-answers.ts says
 * what must agree and to what tolerance.
 */
describe("/insights from Analytics Engine (on ClickHouse), against /insights from the archive", () => {
  const analyticsSql = analyticsSqlStandIn(async (request) => {
    const answer = await clickhouse<{ result: AnalyticsSQLResult }>("/analytics-sql", request);
    if (answer.error !== undefined) throw new Error(answer.error);
    return answer.result;
  });
  const AE_ENV = { ...env, ANALYTICS_ENABLED: "true", ANALYTICS_SQL: analyticsSql.binding } as Env;

  async function both<T extends MonitorInsight | FleetInsight>(path: string): Promise<{ ae: T; archive: T }> {
    const [ae, archive] = await Promise.all(
      [AE_ENV, env as Env].map(async (from) => {
        const response = await worker.fetch(new Request(`http://do-tail${path}`), from, createExecutionContext());
        expect(response.status, path).toBe(200);
        return (await response.json()) as T;
      }),
    );
    expect(ae!.source, `${path}: ${JSON.stringify((ae as { fallback?: unknown }).fallback)}`).toBe("analytics-engine");
    expect(archive!.source).toBe("archive");
    expect(archive).not.toHaveProperty("sampled");
    return { ae: ae!, archive: archive! };
  }

  // Each request scans the archive as well; on a busy machine that takes a while (no timing is asserted).
  it("/insights/fleet", { timeout: 300_000 }, async () => {
    await load();
    for (const window of ["1h", "24h", "7d", "30d"]) {
      const { ae, archive } = await both<FleetInsight>(`/insights/fleet?window=${window}`);
      expect(archive.monitors.length, window).toBeGreaterThan(0);
      expectSameFleet(ae, archive);
    }
  });

  it("/insights/monitors/:id", { timeout: 300_000 }, async () => {
    await load();
    let folded = 0;
    let sampled = 0;
    for (const monitorId of Object.keys(MONITORS)) {
      for (const window of ["1h", "24h", "30d"]) {
        const { ae, archive } = await both<MonitorInsight>(`/insights/monitors/${monitorId}?window=${window}`);
        expect(archive.heartbeats.length, `${monitorId} ${window}`).toBeGreaterThan(0);
        const seen = expectSameMonitor(ae, archive);
        folded += seen.folded;
        sampled += seen.sampled;
      }
    }
    // Both weights were exercised: rows standing for identical checks, and tail-sampled checks.
    expect(folded).toBeGreaterThan(0);
    expect(sampled).toBeGreaterThan(0);
  });
});
