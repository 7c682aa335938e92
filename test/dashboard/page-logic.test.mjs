import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chartColumns } from "../../tail-worker/dashboard/js/chart-columns.js";
import { errorEntries, isError } from "../../tail-worker/dashboard/js/error-list.js";
import { cardsFromStats } from "../../tail-worker/dashboard/js/panels/cards.js";
import { isFailure } from "../../tail-worker/dashboard/js/panels/invocations.js";
import { topOf } from "../../tail-worker/dashboard/js/panels/top-lists.js";
import { field, sampleNote, sourceNote } from "../../tail-worker/dashboard/js/rows.js";
import { bucketCounts, gapsOf } from "../../tail-worker/dashboard/js/time-buckets.js";

// The dashboard's pure logic, run by Node (the page's modules are plain ES modules). The browser
// tests in test/e2e check the same things end to end.
const T = 1_795_000_000_000;
const invocation = (id, data, extra = {}) => ({
  id: `${id}-0`,
  invocationId: id,
  type: "invocation",
  kind: "invocation",
  importance: 1,
  timestamp: T,
  script: null,
  data,
  ...extra,
});
const logEvent = (id, position, type, data, extra = {}) => ({
  id: `${id}-${position}`,
  invocationId: id,
  type,
  kind: "log",
  level: "log",
  importance: 2,
  timestamp: T + position,
  script: null,
  data,
  ...extra,
});

describe("recent errors", () => {
  it("names a locally caught uncaught exception by its wide event's error, with the request as context", () => {
    const events = [
      invocation("a", { trigger: "fetch", method: "GET", url: "http://localhost:8790/boom", status: 500, outcome: "ok" }),
      logEvent("a", 1, "request_handled", { _event: "request_handled", status: 500, outcome: "exception", error: "boom: on purpose" }),
    ];
    const entries = errorEntries(events);
    assert.equal(entries.length, 1);
    assert.equal(entries[0].message, "boom: on purpose");
    assert.equal(entries[0].context, "GET localhost:8790/boom → 500");
  });

  it("lists a deployed exception once, not again as its invocation or wide event", () => {
    const events = [
      invocation(
        "b",
        { trigger: "fetch", method: "GET", url: "https://api.example/boom", status: 500, outcome: "exception" },
        { importance: 0 },
      ),
      {
        id: "b-2",
        invocationId: "b",
        type: "exception",
        kind: "exception",
        importance: 0,
        timestamp: T + 2,
        script: "api",
        data: { name: "Error", message: "boom" },
      },
      logEvent("b", 1, "request_handled", { status: 500, error: "boom" }),
    ];
    const entries = errorEntries([...events, ...events]);
    assert.deepEqual(
      entries.map((e) => [e.type, e.message, e.context]),
      [["exception", "Error: boom", "GET api.example/boom → 500 exception"]],
    );
  });

  it("keeps error logs and *failed events, drops money and successes, newest first", () => {
    const ok = invocation("c", { trigger: "rpc", outcome: "ok" }, { importance: 3 });
    const events = [
      ok,
      logEvent("c", 1, "Financial.Payment.completed", { amount: 1 }, { importance: 0 }),
      logEvent("c", 2, "console.error", {}, { level: "error", text: "database unavailable", importance: 1 }),
      logEvent("c", 3, "RPC.Request.failed", { error: "timeout" }, { importance: 1 }),
      logEvent("c", 4, "heartbeat", { monitorId: "mon_a", region: "weur", status: "down", error: "timed out" }),
      logEvent("c", 5, "order_rejected", { status: 400, error: "bad sku" }),
    ];
    assert.equal(isError(events[1]), false);
    assert.deepEqual(
      errorEntries(events).map((e) => [e.type, e.message, e.context]),
      [
        ["heartbeat", "timed out", "mon_a weur"],
        ["RPC.Request.failed", "timeout", undefined],
        ["console.error", "database unavailable", undefined],
      ],
    );
  });

  it("counts client disconnects as no failure, 5xx and bad outcomes as failures", () => {
    assert.equal(isFailure("ok", 200), false);
    assert.equal(isFailure("ok", null), false);
    assert.equal(isFailure("ok", 503), true);
    assert.equal(isFailure("exceededCpu", null), true);
  });
});

describe("query rows", () => {
  it("reads a group value by full path or last segment", () => {
    assert.equal(field({ "data.outcome": "ok" }, "data.outcome"), "ok");
    assert.equal(field({ outcome: "ok" }, "data.outcome"), "ok");
    assert.equal(field({}, "data.outcome"), undefined);
  });

  it("buckets rows grouped by timestamp and importance", () => {
    const rows = [
      { timestamp: T + 5_000, importance: 0, count: 2 },
      { timestamp: T + 65_000, importance: 3, count: 4 },
      { timestamp: T + 70_000, importance: 3, count: 1 },
      { timestamp: T - 120_000, importance: 2, count: 9 },
    ];
    const { data, events } = bucketCounts(rows, T, T + 120_000, 60_000);
    assert.equal(events, 7, "rows before the window are left out");
    assert.equal(data.length, 5);
    const [xs, critical, , , low] = data;
    assert.equal(xs[0], Math.floor(T / 60_000) * 60);
    assert.equal(
      critical.reduce((a, b) => a + b),
      2,
    );
    assert.equal(
      low.reduce((a, b) => a + b),
      5,
    );
  });

  it("places server-side buckets of stored-event counts in the chart", () => {
    const B = Math.floor(T / 300_000) * 300_000;
    const rows = [
      { bucket: B, importance: 0, events: 3 },
      { bucket: B + 300_000, importance: 2, events: 10 },
      { bucket: B + 300_000, importance: 3, events: 1 },
    ];
    const { data, events } = bucketCounts(rows, B, B + 600_000, 300_000);
    assert.equal(events, 14);
    assert.deepEqual(data[1], [3, 0]);
    assert.deepEqual(data[3], [0, 10]);
    assert.deepEqual(data[4], [0, 1]);
  });

  it("leaves importance-hours the listing could not list as gaps, not zeros", () => {
    const H = Math.floor(T / 3_600_000) * 3_600_000;
    const rows = [{ bucket: H, importance: 2, events: 5 }];
    const { data } = bucketCounts(rows, H, H + 2 * 3_600_000, 3_600_000, [{ hourStart: H + 3_600_000, importance: 2 }]);
    assert.deepEqual(data[3], [5, null]);
    assert.deepEqual(data[4], [0, 0]);
  });

  it("says when a panel's answer comes from a sample of the window's objects", () => {
    const format = (n) => String(n);
    assert.equal(sampleNote({ rows: [] }, format), "");
    assert.equal(
      sampleNote({ sampled: { mode: "spread", objects: 2000, candidateObjects: 54000 } }, format),
      "sampled: 2000 of 54000 objects, counts scaled",
    );
    assert.equal(sampleNote({ sampled: { mode: "newest", objects: 12, candidateObjects: 900 } }, format), "newest 12 of 900 objects read");
  });

  it("adds up the top lists across the other group field, naming missing scripts", () => {
    const rows = [
      { type: "invocation", script: null, count: 3 },
      { type: "invocation", script: "api", count: 2 },
      { type: "heartbeat", script: null, count: 4 },
    ];
    assert.deepEqual(topOf(rows, "type", "(none)"), [
      { name: "invocation", count: 5 },
      { name: "heartbeat", count: 4 },
    ]);
    assert.deepEqual(topOf(rows, "script", "(no script name)"), [
      { name: "(no script name)", count: 7 },
      { name: "api", count: 2 },
    ]);
  });

  it("names a rollup's `other` series as such, not as a missing value", () => {
    const rows = [
      { type: "invocation", count: 5 },
      { type: null, count: 2 },
      { type: null, other: true, count: 3 },
    ];
    assert.deepEqual(topOf(rows, "type", "(none)", "(other types)"), [
      { name: "invocation", count: 5 },
      { name: "(other types)", count: 3 },
      { name: "(none)", count: 2 },
    ]);
  });

  it("says where counts came from, and which hours were left out", () => {
    const format = (n) => String(n);
    assert.equal(sourceNote({ rows: [] }, format), "");
    assert.equal(sourceNote({ rollups: { source: "rollups", listedHours: [], unreadHours: [] } }, format), "from rollups");
    assert.equal(sourceNote({ rollups: { source: "listing", listedHours: ["a"], unreadHours: [] } }, format), "from the archive listing");
    assert.equal(
      sourceNote({ rollups: { source: "mixed", listedHours: ["a", "b"], unreadHours: ["c"] } }, format),
      "from rollups, 2 h from the archive listing · 1 h not read (QUERY_MAX_OBJECTS)",
    );
  });

  it("draws hours whose rollups were not read as gaps of every importance", () => {
    const H = Date.UTC(2030, 0, 1, 5);
    const gaps = gapsOf({
      rollups: { unreadHours: [new Date(H).toISOString()] },
      listing: { unlisted: [{ hourStart: H - 3_600_000, importance: 1 }] },
    });
    assert.deepEqual(gaps, [
      { hourStart: H - 3_600_000, importance: 1 },
      ...[0, 1, 2, 3].map((importance) => ({ hourStart: H, importance })),
    ]);
    const { data } = bucketCounts([{ bucket: H, importance: 0, events: 4 }], H, H + 3_600_000, 3_600_000, gaps);
    assert.deepEqual(data[1], [null]);
  });

  it("charts the query's first aggregate by its group-by fields", () => {
    const rows = [{ "data.path": "/boom", "data.status": 500, count: 3, max_durationMs: 4 }];
    const query = { groupBy: ["data.path", "data.status"], aggregates: [{ fn: "count" }, { fn: "max", field: "durationMs" }] };
    assert.deepEqual(chartColumns(rows, query), { value: "count", labels: ["data.path", "data.status"] });
    assert.deepEqual(chartColumns(rows, { ...query, aggregates: [{ fn: "max", field: "durationMs", as: "slowest" }] }).value, "count");
    assert.equal(chartColumns([{ type: "a" }], {}), undefined);
  });
});

describe("cards", () => {
  it("reads every card from /stats: received by importance, buffered events, archived, failures, shed", () => {
    const stats = {
      buffered: {
        CRITICAL: { events: 1, bytes: 10 },
        HIGH: { events: 0, bytes: 0 },
        NORMAL: { events: 5, bytes: 50 },
        LOW: { events: 2, bytes: 20 },
      },
      counters: {
        received: 20,
        archived: 12,
        duplicates: 0,
        keptAsText: 1,
        flushFailures: 2,
        receivedByImportance: { CRITICAL: 1, HIGH: 2, NORMAL: 10, LOW: 7 },
        archivedByImportance: { CRITICAL: 0, HIGH: 2, NORMAL: 5, LOW: 5 },
        shed: { over_buffer_cap: { LOW: 3, NORMAL: 1 }, room_for_critical_high: { LOW: 2 } },
        lastError: null,
      },
      nextFlushAt: null,
    };
    const values = Object.fromEntries(cardsFromStats(stats).map(([key, , value]) => [key, value]));
    assert.deepEqual(values, {
      received: 20,
      "importance-CRITICAL": 1,
      "importance-HIGH": 2,
      "importance-NORMAL": 10,
      "importance-LOW": 7,
      buffered: 8,
      archived: 12,
      failures: 2,
      shed: 6,
    });
  });
});
