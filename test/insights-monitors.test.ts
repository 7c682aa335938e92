import { describe, expect, it } from "vitest";
import { collector, overrideCollectorConfig } from "./helpers/collector";
import {
  expandedPercentile,
  getJson,
  namedEvent,
  pickFrom,
  putArchive,
  type QueryEvent,
  seededRandom,
  toWire,
} from "./helpers/query-events";

// /insights over heartbeats (schemas/catalog/heartbeats.ts) spread over the last 30 hours, half
// archived in R2 and half still buffered; expectations computed here from the same events.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MONITORS = ["mon_a", "mon_b", "mon_c"];
const REGIONS = ["wnam", "enam", "weur", "apac"];

interface Heartbeats {
  now: number;
  events: QueryEvent[];
}

function heartbeats(now: number): QueryEvent[] {
  const random = seededRandom(2024);
  const events: QueryEvent[] = [];
  for (let i = 0; i < 600; i++) {
    // Ages up to 30 h, kept 10 minutes clear of the 1 h and 24 h window edges so that the moments
    // between building the events and answering the request cannot move one across an edge.
    let age = Math.floor(random() * 30 * HOUR);
    if (Math.abs(age - HOUR) < 10 * MINUTE || Math.abs(age - 24 * HOUR) < 10 * MINUTE) age += 20 * MINUTE;
    const monitorId = i < 150 ? "mon_a" : pickFrom(random, MONITORS);
    const status = pickFrom(random, ["up", "up", "up", "degraded", "down"]);
    const latencyMs = status === "down" && random() < 0.5 ? 10_000 : Math.floor(50 + random() * 900);
    const data = {
      monitorId,
      orgId: "org_1",
      region: pickFrom(random, REGIONS),
      status,
      latencyMs,
      dispatchId: `d${i}`,
      ...(status === "down" ? { error: "timed out" } : { statusCode: 200 }),
    };
    events.push(namedEvent("heartbeat", now - age, data, { sampleRate: random() < 0.2 ? 3 : undefined, script: "uptime-monitor" }));
  }
  // Not heartbeats, though they name a monitor: never counted.
  events.push(namedEvent("monitor_updated", now - MINUTE, { monitorId: "mon_a", status: "down", latencyMs: 1 }));
  // A heartbeat that failed its schema: archived, but its numbers are not trusted (nor forwarded).
  events.push({
    ...namedEvent("heartbeat", now - 2 * MINUTE, {
      monitorId: "mon_a",
      orgId: "org_1",
      region: 7,
      status: "down",
      latencyMs: 1,
      dispatchId: "bad",
    }),
    validation: { schema: "heartbeat", issues: [{ path: "region", message: "Invalid type: Expected string but received 7" }] },
  });
  return events;
}

/** Even-indexed events archived (one object per UTC hour, as flushes write them), the rest buffered. */
async function load(): Promise<Heartbeats> {
  const now = Date.now();
  const events = heartbeats(now);
  const archived = events.filter((_, i) => i % 2 === 0);
  const byHour = new Map<string, QueryEvent[]>();
  for (const e of archived) {
    const hour = new Date(e.timestamp).toISOString().slice(0, 13);
    byHour.set(hour, [...(byHour.get(hour) ?? []), e]);
  }
  for (const hourEvents of byHour.values()) await putArchive(hourEvents);
  const stub = collector("collector-0");
  await overrideCollectorConfig(stub, (config) => ({ ...config, flushIntervalSeconds: 3600 }));
  await stub.ingest({ events: toWire(events.filter((_, i) => i % 2 === 1)) });
  return { now, events };
}

let loaded: Promise<Heartbeats> | undefined;
const loadOnce = () => (loaded ??= load());

const weight = (e: QueryEvent) => e.sampleRate ?? 1;
const isValidHeartbeat = (e: QueryEvent) => e.type === "heartbeat" && (e as { validation?: unknown }).validation === undefined;
const sum = (events: QueryEvent[], f: (e: QueryEvent) => number) => events.reduce((total, e) => total + f(e), 0);
const field = (e: QueryEvent, name: string) => e.data[name];

function expectedHealth(events: QueryEvent[]) {
  const total = sum(events, weight);
  const available = sum(
    events.filter((e) => field(e, "status") !== "down"),
    weight,
  );
  return {
    heartbeats: total,
    failures: sum(
      events.filter((e) => field(e, "status") === "down"),
      weight,
    ),
    uptimePercent: total === 0 ? null : (available / total) * 100,
    avgLatencyMs: total === 0 ? null : sum(events, (e) => (field(e, "latencyMs") as number) * weight(e)) / total,
  };
}

interface MonitorAnswer {
  source: string;
  monitorId: string;
  window: string;
  uptimePercent: number | null;
  heartbeats: { timestamp: number; region: string; status: string; latencyMs: number; id: string; dispatchId: string }[];
  p95LatencyByRegion: Record<string, number>;
}

interface FleetRow {
  monitorId: string;
  uptimePercent: number | null;
  avgLatencyMs: number | null;
  failures: number;
  heartbeats: number;
}

describe("GET /insights/monitors/:id", () => {
  it("answers the last 100 heartbeats newest first, uptime % and p95 latency per region over 24 h", async () => {
    const { now, events } = await loadOnce();
    const { status, body } = await getJson<MonitorAnswer>("/insights/monitors/mon_a?window=24h");
    expect(status, JSON.stringify(body)).toBe(200);

    const mine = events.filter((e) => isValidHeartbeat(e) && field(e, "monitorId") === "mon_a" && e.timestamp >= now - 24 * HOUR);
    expect(mine.length).toBeGreaterThan(100);
    const newest = [...mine].sort((a, b) => b.timestamp - a.timestamp || (a.id < b.id ? -1 : 1)).slice(0, 100);
    expect(body.monitorId).toBe("mon_a");
    expect(body.window).toBe("24h");
    expect(body.heartbeats.map((h) => h.id)).toEqual(newest.map((e) => e.id));
    expect(body.heartbeats[0]).toMatchObject({
      timestamp: newest[0]!.timestamp,
      region: field(newest[0]!, "region"),
      status: field(newest[0]!, "status"),
      latencyMs: field(newest[0]!, "latencyMs"),
      dispatchId: field(newest[0]!, "dispatchId"),
    });

    expect(body.uptimePercent).toBeCloseTo(expectedHealth(mine).uptimePercent!, 10);
    // Latency of the checks that got an answer: a timeout's latency is the timeout.
    const p95 = Object.fromEntries(
      REGIONS.filter((r) => mine.some((e) => field(e, "region") === r)).map((region) => [
        region,
        expandedPercentile(
          mine
            .filter((e) => field(e, "region") === region && field(e, "status") !== "down")
            .map((e) => ({ value: field(e, "latencyMs") as number, weight: weight(e) })),
          95,
        ),
      ]),
    );
    expect(Object.values(p95)).not.toContain(10_000);
    expect(body.p95LatencyByRegion).toEqual(p95);
    expect(body.source).toBe("archive");
    expect(body).not.toHaveProperty("fallback");
  });

  it("answers an empty history for a monitor without heartbeats, and 400 for a bad window", async () => {
    await loadOnce();
    const empty = await getJson<MonitorAnswer>("/insights/monitors/mon_nobody");
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({
      monitorId: "mon_nobody",
      window: "24h",
      uptimePercent: null,
      heartbeats: [],
      p95LatencyByRegion: {},
    });
    for (const window of ["abc", "100d", "0h", "-1h"]) {
      const res = await getJson(`/insights/monitors/mon_a?window=${window}`);
      expect(res.status, window).toBe(400);
      expect(res.body.error!.message).toContain("window");
    }
  });
});

describe("GET /insights/fleet", () => {
  it("answers uptime, average latency and failures per monitor and overall for the last hour", async () => {
    const { now, events } = await loadOnce();
    const { status, body } = await getJson<{ window: string; monitors: FleetRow[]; overall: Omit<FleetRow, "monitorId"> }>(
      "/insights/fleet",
    );
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.window).toBe("1h");

    const lastHour = events.filter((e) => isValidHeartbeat(e) && e.timestamp >= now - HOUR);
    const expected = MONITORS.filter((m) => lastHour.some((e) => field(e, "monitorId") === m)).map((monitorId) => ({
      monitorId,
      ...expectedHealth(lastHour.filter((e) => field(e, "monitorId") === monitorId)),
    }));
    expect(expected.some((m) => m.failures > 0)).toBe(true);
    expect(body.monitors.map((m) => m.monitorId)).toEqual(expected.map((m) => m.monitorId));
    for (const [i, row] of body.monitors.entries()) {
      const want = expected[i]!;
      expect(row.heartbeats).toBe(want.heartbeats);
      expect(row.failures).toBe(want.failures);
      expect(row.uptimePercent).toBeCloseTo(want.uptimePercent!, 10);
      expect(row.avgLatencyMs).toBeCloseTo(want.avgLatencyMs!, 10);
    }
    const overall = expectedHealth(lastHour);
    expect(body.overall.heartbeats).toBe(overall.heartbeats);
    expect(body.overall.failures).toBe(overall.failures);
    expect(body.overall.uptimePercent).toBeCloseTo(overall.uptimePercent!, 10);
    expect(body.overall.avgLatencyMs).toBeCloseTo(overall.avgLatencyMs!, 10);
  });

  it("widens with ?window=", async () => {
    const { now, events } = await loadOnce();
    const { body } = await getJson<{ overall: { heartbeats: number } }>("/insights/fleet?window=24h");
    expect(body.overall.heartbeats).toBe(
      sum(
        events.filter((e) => isValidHeartbeat(e) && e.timestamp >= now - 24 * HOUR),
        weight,
      ),
    );
  });
});
