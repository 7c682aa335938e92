import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import fleetSql from "../schemas/analytics/queries/monitor-fleet.sql";
import recentSql from "../schemas/analytics/queries/monitor-recent-heartbeats.sql";
import regionsSql from "../schemas/analytics/queries/monitor-regions.sql";
import type { Env } from "../schemas/config/env";
import worker from "../tail-worker/index";
import { toAnalyticsSql } from "../tail-worker/insights/analytics-engine/sql-dialect";
import { monitorInsightFromEither } from "../tail-worker/insights/insight-source";
import { type AnalyticsSqlAnswer, analyticsSqlStandIn, sqlResult } from "./helpers/analytics-sql-binding";
import { namedEvent, putArchive } from "./helpers/query-events";

// Which source answers /insights (tail-worker/insights/insight-source.ts): the archive without an
// Analytics SQL binding, Analytics Engine with one (a stand-in that records the requests and answers
// rows in the binding's result format), and the archive again, saying why, when Analytics Engine fails.

const MINUTE = 60_000;
const ARCHIVED = namedEvent("heartbeat", Date.now() - 5 * MINUTE, {
  monitorId: "mon_a",
  orgId: "org_1",
  region: "weur",
  status: "up",
  latencyMs: 120,
  dispatchId: "d_archived",
});

beforeAll(async () => {
  await putArchive([ARCHIVED]);
});

async function get<T>(path: string, overrides: Partial<Env>): Promise<{ status: number; body: T }> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`http://do-tail${path}`), { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as T };
}

interface Answer {
  source: string;
  fallback?: { from: string; reason: string };
  analyticsEngine?: { queries: number; rowsRead: number; bytesRead: number; elapsedMs: number };
  scanned?: unknown;
  uptimePercent: number | null;
  heartbeats: Record<string, unknown>[];
  p95LatencyByRegion: Record<string, number | null>;
  monitors: Record<string, unknown>[];
  overall: Record<string, unknown>;
}

/** Answers each query file (as the Worker renders it for these parameters) with its rows. */
function answering(
  byQuery: [source: string, params: Record<string, string | number>, rows: Record<string, unknown>[]][],
): AnalyticsSqlAnswer {
  return (request) => {
    for (const [source, params, rows] of byQuery) {
      const expected = toAnalyticsSql(source, "do_tail_events", params);
      if (request.query === expected.query) {
        expect(request.params).toEqual(expected.params);
        return sqlResult(rows);
      }
    }
    throw new Error(`unexpected query: ${request.query}`);
  };
}

const ON = { ANALYTICS_ENABLED: "true" };

describe("without Analytics Engine", () => {
  it("answers from the archive when there is no binding", async () => {
    const { status, body } = await get<Answer>("/insights/monitors/mon_a", ON);
    expect(status).toBe(200);
    expect(body.source).toBe("archive");
    expect(body).not.toHaveProperty("fallback");
    expect(body.heartbeats.map((h) => h.id)).toEqual([ARCHIVED.id]);
  });

  it("answers from the archive when forwarding is off or heartbeats are not forwarded, without asking the binding", async () => {
    const standIn = analyticsSqlStandIn(() => sqlResult([]));
    for (const settings of [{ ANALYTICS_ENABLED: "false" }, { ...ON, ANALYTICS_MAPPINGS_DISABLED: "heartbeat" }]) {
      const { body } = await get<Answer>("/insights/fleet", { ...settings, ANALYTICS_SQL: standIn.binding });
      expect(body.source, JSON.stringify(settings)).toBe("archive");
      expect(body).not.toHaveProperty("fallback");
    }
    expect(standIn.calls).toEqual([]);
  });
});

describe("with Analytics Engine", () => {
  const hostile = "mon_a' OR '1'='1";
  const monitorParams = { monitorId: hostile, windowSeconds: 86_400 };

  it("answers /insights/monitors/:id from the repo's SQL, parameters bound, rows mapped to the archive's shape", async () => {
    const standIn = analyticsSqlStandIn(
      answering([
        [
          regionsSql,
          monitorParams,
          [
            // Numbers as the binding may give them: some as strings (ClickHouse quotes 64-bit integers).
            { region: "apac", available: 0, checks: 2, p95_latency_ms: 10_000 },
            { region: "enam", available: 0, checks: 3, p95_latency_ms: 10_000 },
            { region: "enam", available: 1, checks: "12", p95_latency_ms: 410 },
            { region: "weur", available: "1", checks: 5.5, p95_latency_ms: "220" },
          ],
        ],
        [
          recentSql,
          monitorParams,
          [
            {
              timestamp: "2031-03-14 09:26:53",
              region: "enam",
              status: "down",
              latency_ms: 10_000,
              status_code: 0,
              org_id: "org_1",
              dispatch_id: "d9",
              error: "timed out",
              sample_rate: 2,
              sample_interval: "3",
            },
            {
              timestamp: "2031-03-14 09:25:53",
              region: "weur",
              status: "up",
              latency_ms: 180,
              status_code: 200,
              org_id: "org_1",
              dispatch_id: "d8",
              error: "",
              sample_rate: 1,
              sample_interval: 1,
            },
          ],
        ],
      ]),
    );
    const { status, body } = await get<Answer>(`/insights/monitors/${encodeURIComponent(hostile)}?window=24h`, {
      ...ON,
      ANALYTICS_SQL: standIn.binding,
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.source, JSON.stringify(body.fallback)).toBe("analytics-engine");
    expect(standIn.calls).toHaveLength(2);
    for (const call of standIn.calls) {
      expect(call.query).not.toContain(hostile);
      expect(call.params).toEqual({ monitorId: hostile });
    }
    expect(body.uptimePercent).toBeCloseTo((17.5 / 22.5) * 100, 12);
    expect(body.p95LatencyByRegion).toEqual({ apac: null, enam: 410, weur: 220 });
    expect(body.heartbeats).toEqual([
      {
        timestamp: Date.UTC(2031, 2, 14, 9, 26, 53),
        region: "enam",
        status: "down",
        latencyMs: 10_000,
        monitorId: hostile,
        orgId: "org_1",
        dispatchId: "d9",
        statusCode: 0,
        error: "timed out",
        sampleRate: 2,
        sampleInterval: 3,
      },
      {
        timestamp: Date.UTC(2031, 2, 14, 9, 25, 53),
        region: "weur",
        status: "up",
        latencyMs: 180,
        monitorId: hostile,
        orgId: "org_1",
        dispatchId: "d8",
        statusCode: 200,
      },
    ]);
    expect(body.analyticsEngine).toEqual({ queries: 2, rowsRead: 80, bytesRead: 8000, elapsedMs: 6 });
    expect(body).not.toHaveProperty("scanned");
  });

  it("answers /insights/fleet per monitor, sorted, and overall weighted by each monitor's checks", async () => {
    const standIn = analyticsSqlStandIn(
      answering([
        [
          fleetSql,
          { windowSeconds: 3600 },
          [
            { monitor_id: "mon_b", checks: 30, uptime_percent: 90, avg_latency_ms: 300, failed_checks: 3 },
            { monitor_id: "mon_a", checks: 10, uptime_percent: 50, avg_latency_ms: 100, failed_checks: "5" },
          ],
        ],
      ]),
    );
    const { body } = await get<Answer>("/insights/fleet", { ...ON, ANALYTICS_SQL: standIn.binding });
    expect(body.source, JSON.stringify(body.fallback)).toBe("analytics-engine");
    expect(body.monitors).toEqual([
      { monitorId: "mon_a", uptimePercent: 50, avgLatencyMs: 100, failures: 5, heartbeats: 10 },
      { monitorId: "mon_b", uptimePercent: 90, avgLatencyMs: 300, failures: 3, heartbeats: 30 },
    ]);
    expect(body.overall).toEqual({ uptimePercent: 80, avgLatencyMs: 250, failures: 8, heartbeats: 40 });
  });

  it("answers an empty fleet as the archive does", async () => {
    const standIn = analyticsSqlStandIn(() => sqlResult([]));
    const { body } = await get<Answer>("/insights/fleet", { ...ON, ANALYTICS_SQL: standIn.binding });
    expect(body.source).toBe("analytics-engine");
    expect(body.monitors).toEqual([]);
    expect(body.overall).toEqual({ uptimePercent: null, avgLatencyMs: null, failures: 0, heartbeats: 0 });
  });
});

describe("when Analytics Engine fails", () => {
  it("answers from the archive and says why: an error from the binding", async () => {
    const standIn = analyticsSqlStandIn(() => {
      throw Object.assign(new Error("Input was invalid: unknown field"), { retryable: false });
    });
    const { status, body } = await get<Answer>("/insights/monitors/mon_a", { ...ON, ANALYTICS_SQL: standIn.binding });
    expect(status).toBe(200);
    expect(body.source).toBe("archive");
    expect(body.heartbeats.map((h) => h.id)).toEqual([ARCHIVED.id]);
    expect(body.fallback?.from).toBe("analytics-engine");
    expect(body.fallback?.reason).toMatch(/^monitor-(regions|recent-heartbeats): Input was invalid: unknown field$/);

    const retryable = analyticsSqlStandIn(() => {
      throw Object.assign(new Error("data store unavailable"), { retryable: true });
    });
    const fleet = await get<Answer>("/insights/fleet", { ...ON, ANALYTICS_SQL: retryable.binding });
    expect(fleet.body.source).toBe("archive");
    expect(fleet.body.fallback?.reason).toBe("monitor-fleet: data store unavailable (retryable)");
    expect(fleet.body.monitors).toHaveLength(1);
  });

  it("answers from the archive and says why: rows of another shape", async () => {
    const standIn = analyticsSqlStandIn(() => sqlResult([{ monitor_id: "mon_a", checks: "lots" }]));
    const { body } = await get<Answer>("/insights/fleet", { ...ON, ANALYTICS_SQL: standIn.binding });
    expect(body.source).toBe("archive");
    expect(body.fallback?.reason).toMatch(/^monitor-fleet: answered an unexpected shape at data\.0\.checks: must be a number/);
  });

  it("answers from the archive and says why: no answer in time", async () => {
    const standIn = analyticsSqlStandIn(() => new Promise<never>(() => {}));
    const answer = await monitorInsightFromEither(
      { ...env, ...ON, ANALYTICS_SQL: standIn.binding } as Env,
      "mon_a",
      { text: "1h", ms: 3_600_000 },
      20,
    );
    expect(answer.source).toBe("archive");
    expect(answer).toMatchObject({ fallback: { from: "analytics-engine", reason: "no answer within 20 ms" } });
  });
});
