import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../schemas/config/env";
import { router } from "../tail-worker/http/router";
import { collector, overrideCollectorConfig } from "./helpers/collector";
import {
  expandedPercentile,
  getJson,
  namedEvent,
  postQuery,
  putArchive,
  type QueryAnswer,
  type QueryEvent,
  queryWith,
  toWire,
} from "./helpers/query-events";

// /query over objects written straight into R2 (their keys and metadata are what pruning reads)
// and over the collector's buffer. Storage lasts for the whole file, so every test uses a UTC day
// of its own.

const HOUR = 3_600_000;
const day = (n: number) => Date.UTC(2033, 0, 1) + n * 24 * HOUR;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

/** R2 with every get() recorded, to see which objects a query read. */
function recordingEnv(overrides: Partial<Env> = {}): { env: Env; reads: string[] } {
  const reads: string[] = [];
  const archive = new Proxy(env.ARCHIVE, {
    get(target, property) {
      if (property === "get")
        return (key: string, ...rest: unknown[]) => {
          reads.push(key);
          return (target.get as (...a: unknown[]) => unknown)(key, ...rest);
        };
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { env: { ...env, ...overrides, ARCHIVE: archive } as Env, reads };
}

const range = (from: number, to: number) => ({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
const typeIs = (value: string) => ({ field: "type", op: "eq", value });

describe("POST /query validation", () => {
  const cases: [string, unknown, string][] = [
    ["an unknown aggregate function", { aggregates: [{ fn: "median", field: "durationMs" }] }, "aggregates[0].fn"],
    ["a percentile without a field", { aggregates: [{ fn: "count" }, { fn: "p95" }] }, "aggregates[1].field"],
    ["an unknown operator", { where: [typeIs("x"), { field: "status", op: "like", value: "a" }] }, "where[1].op"],
    ["a comparison without a value", { where: [{ field: "durationMs", op: "gt" }] }, "where[0].value"],
    ["in without an array", { where: [{ field: "status", op: "in", value: "up" }] }, "where[0].value"],
    ["an empty field path", { groupBy: ["script", ""] }, "groupBy[1]"],
    ["a field path with an empty segment", { where: [{ field: "data..x", op: "exists" }] }, "where[0].field"],
    ["a limit above 10,000", { limit: 10_001 }, "limit"],
    ["a limit of 0", { limit: 0 }, "limit"],
    ["a fractional limit", { limit: 2.5 }, "limit"],
    ["an unknown key", { aggregates: [{ fn: "count" }], havng: [] }, "havng"],
    ["an unknown aggregate key", { aggregates: [{ fn: "count", feild: "x" }] }, "aggregates[0].feild"],
    ["a bad time", { from: "yesterday-ish" }, "from"],
    ["from after to", { from: "-1h", to: "-2h" }, "from"],
    ["ordering by an unknown name", { groupBy: ["script"], orderBy: [{ field: "nope", dir: "asc" }] }, "orderBy[0].field"],
    ["a bad direction", { groupBy: ["script"], orderBy: [{ field: "script", dir: "up" }] }, "orderBy[0].dir"],
    [
      "two aggregates with one name",
      { aggregates: [{ fn: "count" }, { fn: "count", field: "x" }, { fn: "sum", field: "x", as: "count" }] },
      "aggregates[2]",
    ],
    ["select events with aggregates", { select: "events", aggregates: [{ fn: "count" }] }, "aggregates"],
    ["rate without where", { aggregates: [{ fn: "rate" }] }, "aggregates[0].where"],
    ["includeBuffered not a boolean", { includeBuffered: "yes" }, "includeBuffered"],
    ["not an object", [1, 2], "query"],
  ];
  it.each(cases)("answers 400 naming the part for %s", async (_name, body, part) => {
    const { status, body: answer } = await postQuery(body);
    expect(status, JSON.stringify(answer)).toBe(400);
    expect(answer.error!.message.startsWith(`${part}:`) || answer.error!.message.startsWith(`${part} `), answer.error!.message).toBe(true);
  });

  it("answers 400 for a body that is not JSON, and for a q that is not JSON", async () => {
    const res = await router.fetch(new Request("http://do-tail/query", { method: "POST", body: "{not json" }), env, ctx);
    expect(res.status).toBe(400);
    expect(((await res.json()) as QueryAnswer).error!.message).toContain("not valid JSON");
    const get = await getJson("/query?q=%7Bnope");
    expect(get.status).toBe(400);
    expect(get.body.error!.message).toContain("q is not valid JSON");
  });

  it("refuses a GET with both q and individual parameters, or an unknown parameter", async () => {
    expect((await getJson(`/query?q=${encodeURIComponent("{}")}&type=x`)).status).toBe(400);
    const unknown = await getJson("/query?tpye=x");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error!.message).toContain("tpye");
  });
});

describe("POST /query results", () => {
  it("counts, sums and percentiles with each event's sampleRate as its weight; count_distinct without", async () => {
    const t = day(1) + 10 * HOUR;
    const weights = [1, 3, 1, 1, 2, 10, 4];
    const events = weights.map((w, i) =>
      namedEvent("run_complete", t + i * 1000, { capsuleId: `c${i % 3}`, durationMs: (i + 1) * 100 }, { sampleRate: w }),
    );
    await putArchive(events);
    const { status, body } = await postQuery({
      ...range(t, t + HOUR),
      aggregates: [
        { fn: "count" },
        { fn: "sum", field: "durationMs" },
        { fn: "avg", field: "durationMs" },
        { fn: "min", field: "durationMs" },
        { fn: "max", field: "durationMs" },
        { fn: "p50", field: "durationMs" },
        { fn: "p95", field: "durationMs" },
        { fn: "p99", field: "durationMs" },
        { fn: "count_distinct", field: "capsuleId" },
      ],
    });
    expect(status, JSON.stringify(body)).toBe(200);
    const pairs = events.map((e) => ({ value: e.data.durationMs as number, weight: e.sampleRate! }));
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const weightedSum = pairs.reduce((sum, p) => sum + p.value * p.weight, 0);
    expect(body.rows).toEqual([
      {
        count: totalWeight,
        sum_durationMs: weightedSum,
        avg_durationMs: weightedSum / totalWeight,
        min_durationMs: 100,
        max_durationMs: 700,
        p50_durationMs: expandedPercentile(pairs, 50),
        p95_durationMs: expandedPercentile(pairs, 95),
        p99_durationMs: expandedPercentile(pairs, 99),
        count_distinct_capsuleId: 3,
      },
    ]);
    // The weights change the answer: unweighted, the median would be 400.
    expect(body.rows[0]!.p50_durationMs).not.toBe(400);
    expect(body.rows[0]!.count).not.toBe(events.length);
  });

  it("includes buffered events by default, leaves them out with includeBuffered false, and never counts one twice", async () => {
    const t = day(2) + 9 * HOUR;
    const archived = Array.from({ length: 5 }, (_, i) => namedEvent("order_created", t + i, { sku: "tea" }));
    const buffered = Array.from({ length: 3 }, (_, i) => namedEvent("order_created", t + 100 + i, { sku: "tea" }, { sampleRate: 2 }));
    await putArchive(archived);
    const stub = collector("collector-0");
    await overrideCollectorConfig(stub, (config) => ({ ...config, flushIntervalSeconds: 3600 }));
    await stub.ingest({ events: toWire(buffered) });
    // As if a flush wrote one buffered event to R2 while the query ran: it is in both places.
    await putArchive([buffered[0]!]);

    const query = { ...range(t, t + HOUR), where: [typeIs("order_created")] };
    const all = await postQuery(query);
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.rows).toEqual([{ count: 5 + 3 * 2 }]);
    expect(all.body.scanned.buffered).toBeGreaterThanOrEqual(3);

    const archivedOnly = await postQuery({ ...query, includeBuffered: false });
    expect(archivedOnly.body.rows).toEqual([{ count: 5 + 2 }]);
    expect(archivedOnly.body.scanned.buffered).toBe(0);
    expect(archivedOnly.body.scanned.objects).toBe(2);
  });

  it("prunes objects by key date, key HH-MM and metadata before reading, and filters events by timestamp", async () => {
    const base = day(3);
    const from = base + 10 * HOUR;
    const to = base + 12 * HOUR;
    const inside = [namedEvent("ping", from + 5, { n: 1 }), namedEvent("ping", to - 5, { n: 2 })];
    // One object holding events on both sides of the range: read, and only the inside ones count.
    const mixed = await putArchive([namedEvent("ping", from - 60_000, { n: 0 }), ...inside, namedEvent("ping", to + 1, { n: 3 })]);
    // Objects whose listing says they are outside the range; their events claim to be inside, so
    // reading them would show in the count.
    const trapEvents = () => [namedEvent("ping", from + 1000, { trap: true })];
    const beforeByMetadata = await putArchive(trapEvents(), {
      key: `tail-events/2033-01-04/importance-2/09-00-trapmeta.json`,
      metadata: { firstEventAt: new Date(from - 2 * HOUR).toISOString(), lastEventAt: new Date(from - 1).toISOString() },
    });
    const afterByKey = await putArchive(trapEvents(), {
      key: `tail-events/2033-01-04/importance-2/12-01-trapkey.json`,
      metadata: { firstEventAt: "", lastEventAt: "" },
    });
    const otherDay = await putArchive(trapEvents(), { key: `tail-events/2033-01-05/importance-2/10-30-trapday.json` });
    const dayBefore = await putArchive(trapEvents(), {
      key: `tail-events/2033-01-03/importance-2/23-59-trapday.json`,
      metadata: { firstEventAt: "", lastEventAt: "" },
    });

    const { env: recording, reads } = recordingEnv();
    const { status, body } = await queryWith(recording, {
      ...range(from, to),
      where: [typeIs("ping")],
      includeBuffered: false,
      aggregates: [{ fn: "count" }, { fn: "sum", field: "n" }],
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.rows).toEqual([{ count: 2, sum_n: 3 }]);
    expect(reads).toEqual([mixed]);
    expect(body.scanned.objects).toBe(1);
    expect(body.scanned.events).toBe(4);
    for (const key of [beforeByMetadata, afterByKey, otherDay, dayBefore]) expect(reads).not.toContain(key);
  });

  it("skips objects of importances the where clause excludes, unread", async () => {
    const t = day(6) + 8 * HOUR;
    const critical = await putArchive([namedEvent("boom", t, {}, { importance: 0 })]);
    const low = await putArchive([namedEvent("chatter", t, {}, { importance: 3 })]);
    const { env: recording, reads } = recordingEnv();
    const { body } = await queryWith(recording, {
      ...range(t, t + HOUR),
      where: [{ field: "importance", op: "lte", value: 1 }],
      includeBuffered: false,
    });
    expect(body.rows).toEqual([{ count: 1 }]);
    expect(reads).toEqual([critical]);
    expect(reads).not.toContain(low);
  });

  it("refuses with 422, reading nothing, a query over more objects or bytes than the limits", async () => {
    const t = day(4) + 6 * HOUR;
    for (let i = 0; i < 3; i++) await putArchive([namedEvent("bulk", t + i * 60_000, { filler: "x".repeat(800) })]);
    const query = { ...range(t, t + HOUR), includeBuffered: false };

    const tooMany = recordingEnv({ QUERY_MAX_OBJECTS: "2" });
    const refused = await queryWith(tooMany.env, query);
    expect(refused.status).toBe(422);
    expect(refused.body.error!.message).toContain("would read 3 archive objects");
    expect(refused.body.error!.message).toContain("QUERY_MAX_OBJECTS");
    expect(refused.body.error!.details).toMatchObject({ objects: 3, maxObjects: 2 });
    expect(tooMany.reads).toEqual([]);

    const tooLarge = recordingEnv({ QUERY_MAX_BYTES: "2048" });
    const refusedBytes = await queryWith(tooLarge.env, query);
    expect(refusedBytes.status).toBe(422);
    expect(refusedBytes.body.error!.message).toContain("QUERY_MAX_BYTES");
    expect((refusedBytes.body.error!.details as { bytes: number }).bytes).toBeGreaterThan(2048);
    expect(tooLarge.reads).toEqual([]);

    // Within the limits the same query answers.
    const allowed = recordingEnv({ QUERY_MAX_OBJECTS: "3" });
    const answered = await queryWith(allowed.env, query);
    expect(answered.status).toBe(200);
    expect(answered.body.rows).toEqual([{ count: 3 }]);
    expect(allowed.reads).toHaveLength(3);
  });

  it("counts every candidate in a refusal, never 'at least'", async () => {
    const t = day(11) + 6 * HOUR;
    for (let i = 0; i < 13; i++) await putArchive([namedEvent("bulk", t + i * 60_000, {})]);
    const limited = recordingEnv({ QUERY_MAX_OBJECTS: "1" });
    const refused = await queryWith(limited.env, { ...range(t, t + HOUR), includeBuffered: false });
    expect(refused.status).toBe(422);
    expect(refused.body.error!.message).toContain("would read 13 archive objects");
    expect(refused.body.error!.message).not.toContain("at least");
    expect(refused.body.error!.details).toMatchObject({ objects: 13, maxObjects: 1 });
    expect(limited.reads).toEqual([]);
  });

  it("select events answers the matching events, newest first, cut at the limit", async () => {
    const t = day(5) + 15 * HOUR;
    const errors = Array.from({ length: 7 }, (_, i) => namedEvent("payment_failed", t + i * 1000, { reason: `r${i}` }, { importance: 1 }));
    await putArchive(errors);
    await putArchive([namedEvent("order_created", t + 500, {})]);
    const { status, body } = await postQuery({
      ...range(t, t + HOUR),
      select: "events",
      where: [{ field: "importance", op: "lte", value: 1 }],
      limit: 3,
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.rows).toEqual([errors[6], errors[5], errors[4]]);
    expect(body.truncated).toBe(true);
    expect(body.total).toBe(7);
  });

  it("groups by several fields, orders, limits and says when rows were cut", async () => {
    const t = day(7) + 3 * HOUR;
    const events: QueryEvent[] = [];
    for (const script of ["api", "web"])
      for (let i = 0; i < 6; i++) events.push(namedEvent("request", t + i, { route: `/r${i % 3}` }, { script }));
    events.push(namedEvent("request", t + 50, {}, { script: "api" }));
    await putArchive(events);
    const { body } = await postQuery({
      ...range(t, t + HOUR),
      groupBy: ["script", "route"],
      orderBy: [
        { field: "script", dir: "desc" },
        { field: "route", dir: "asc" },
      ],
      limit: 4,
    });
    expect(body.rows).toEqual([
      { script: "web", route: "/r0", count: 2 },
      { script: "web", route: "/r1", count: 2 },
      { script: "web", route: "/r2", count: 2 },
      { script: "api", route: "/r0", count: 2 },
    ]);
    expect(body.truncated).toBe(true);
    expect(body.total).toBe(7); // 3 routes × 2 scripts, and api's event without a route (null)
  });

  it("answers one row for an aggregate query that matched nothing", async () => {
    const t = day(8);
    const { body } = await postQuery({
      ...range(t, t + HOUR),
      where: [typeIs("nothing_like_this")],
      aggregates: [{ fn: "count" }, { fn: "avg", field: "x" }, { fn: "p95", field: "x" }],
    });
    expect(body.rows).toEqual([{ count: 0, avg_x: null, p95_x: null }]);
  });

  it("answers GET ?q= exactly like POST, and simple parameters like their JSON", async () => {
    const t = day(9) + 11 * HOUR;
    await putArchive(
      Array.from({ length: 4 }, (_, i) => namedEvent("run_complete", t + i, { durationMs: 10 * (i + 1), capsuleId: i % 2 ? "x" : "y" })),
    );
    const query = {
      ...range(t, t + HOUR),
      where: [typeIs("run_complete")],
      groupBy: ["capsuleId"],
      aggregates: [{ fn: "count" }, { fn: "max", field: "data.durationMs" }],
    };
    const posted = await postQuery(query);
    const got = await getJson(`/query?q=${encodeURIComponent(JSON.stringify(query))}`);
    expect(got.status).toBe(200);
    expect(got.body.rows).toEqual(posted.body.rows);
    expect(posted.body.rows).toEqual([
      { capsuleId: "x", count: 2, max_durationMs: 40 },
      { capsuleId: "y", count: 2, max_durationMs: 30 },
    ]);
    const simple = await getJson(
      `/query?from=${query.from}&to=${query.to}&type=run_complete&groupBy=capsuleId&aggregates=count,max:data.durationMs`,
    );
    expect(simple.status, JSON.stringify(simple.body)).toBe(200);
    expect(simple.body.rows).toEqual(posted.body.rows);
  });

  it("names an object it cannot read and answers from the others", async () => {
    const t = day(10) + 4 * HOUR;
    await putArchive([namedEvent("ok", t, {})]);
    const at = new Date(t).toISOString();
    await env.ARCHIVE.put(`tail-events/${at.slice(0, 10)}/importance-2/04-00-broken.json`, '[{"id":"a","timestamp":1}, {"id":', {
      customMetadata: { firstEventAt: at, lastEventAt: at },
    });
    const { status, body } = await postQuery({ ...range(t, t + HOUR), includeBuffered: false });
    expect(status).toBe(200);
    expect(body.rows).toEqual([{ count: 1 }]);
    expect((body as unknown as { unreadable: { key: string }[] }).unreadable.map((u) => u.key)).toEqual([
      `tail-events/${at.slice(0, 10)}/importance-2/04-00-broken.json`,
    ]);
  });
});
