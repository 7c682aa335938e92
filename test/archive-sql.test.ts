import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../schemas/config/env";
import type { EventEnvelope } from "../schemas/event-envelope";
import { SQL_EXAMPLES } from "../scripts/lib/sql/examples.mjs";
import worker from "../tail-worker/index";
import { readArchives } from "./helpers/archive";
import { archiveObjects, archiveSql, type EngineObject } from "./helpers/duckdb";
import { expandedPercentile, postQuery, type QueryAnswer } from "./helpers/query-events";
import { MESSAGE_TYPES, trafficMix } from "./helpers/traffic-mix";

// The README's SQL over the archive (scripts/lib/sql/examples.mjs), run by DuckDB exactly as
// `npm run archives -- sql` runs it (same view, same reading), over an archive built the real
// way: the traffic mix through tail() (with tail sampling on, so weights matter) → collector →
// flush → R2. Each answer must equal /query's over the same archive and counts made here by hand
// from the archived events.

const DAY = Date.UTC(2033, 4, 10);
const PREFIX = "tail-events/2033-05-10/";
const RANGE = { from: new Date(DAY).toISOString(), to: new Date(DAY + 86_400_000 - 1).toISOString() };
const SAMPLING = { rates: { ws_session_end: 0.5, run_complete: 0.5, player_console_log: 0.5 } };
// An object no strict reader accepts (a lone surrogate escape), on a day /query is not asked about.
const UNREADABLE: EngineObject = {
  name: "tail-events/2033-05-11/importance-3/00-00-unreadable.json",
  bytes: new TextEncoder().encode(`[{"id":"x-1","type":"console.log","timestamp":${DAY + 86_400_000},"text":"\\ud800","data":{}}]`),
};

type Event = EventEnvelope & { sampleRate: number };

async function build(): Promise<{ events: Event[]; objects: EngineObject[] }> {
  const items = trafficMix({ start: DAY + 3_600_000, invocations: 700, stepMs: 80_000, seed: 12 });
  const tailEnv = { ...env, SAMPLING: JSON.stringify(SAMPLING) } as Env;
  for (let i = 0; i < items.length; i += 25) await worker.tail(items.slice(i, i + 25) as unknown as TraceItem[], tailEnv);
  const flush = await exports.default.fetch("http://do-tail/flush", { method: "POST" });
  expect(((await flush.json()) as { errors: string[] }).errors).toEqual([]);
  const events = (await readArchives(env.ARCHIVE, PREFIX)).flatMap((a) => a.events) as Event[];
  return { events, objects: [...(await archiveObjects(env.ARCHIVE, PREFIX)), UNREADABLE] };
}

let built: ReturnType<typeof build> | undefined;
const archive = () => (built ??= build());

async function runExample(name: string): Promise<Record<string, unknown>[]> {
  const example = SQL_EXAMPLES.find((e) => e.name === name);
  if (!example) throw new Error(`no example ${name}`);
  const { objects } = await archive();
  const { rows, skipped } = await archiveSql(objects, example.sql);
  expect(skipped).toEqual([{ key: UNREADABLE.name, problem: expect.stringMatching(/surrogate/) }]);
  return rows;
}

async function query(body: Record<string, unknown>): Promise<QueryAnswer> {
  const { status, body: answer } = await postQuery({ ...RANGE, limit: 10_000, ...body });
  expect(status, JSON.stringify(answer)).toBe(200);
  expect(answer.truncated).toBe(false);
  return answer;
}

const weight = (events: readonly Event[]) => events.reduce((sum, e) => sum + e.sampleRate, 0);
const byType = (events: readonly Event[], type: string) => events.filter((e) => e.type === type);
const field = (e: Event, name: string) => e.data[name];
const dataOf = (row: Record<string, unknown>) => row.data as Record<string, unknown>;

/**
 * Rows that list events ordered by a data field: the same events, in the order of that field.
 * Events that tie on it (copies of one event from a burst) may come in any order among themselves.
 */
function expectSameEventsInOrder(rows: Record<string, unknown>[], expected: readonly Event[], by: string): void {
  expect(rows.map((r) => dataOf(r)[by])).toEqual(expected.map((e) => field(e, by)));
  expect(rows.map((r) => r.id).sort()).toEqual(expected.map((e) => e.id).sort());
}

describe("the README's SQL over the archive", () => {
  it("builds an archive with sampled events, and DuckDB reads every event of it", async () => {
    const { events } = await archive();
    const sessions = byType(events, "ws_session_end");
    expect(sessions.length).toBeGreaterThan(40);
    // Tail sampling left some sessions standing for two, and kept every abnormal one whole.
    expect(sessions.some((e) => e.sampleRate === 2)).toBe(true);
    expect(sessions.filter((e) => field(e, "disconnectReason") !== "normal_close").every((e) => e.sampleRate === 1)).toBe(true);
    const { objects } = await archive();
    const { rows } = await archiveSql(objects, "SELECT count(*) AS n, sum(sampleRate) AS weight, count(DISTINCT id) AS ids FROM events");
    expect(rows).toEqual([{ n: events.length, weight: weight(events), ids: events.length }]);
  });

  it("error rate by message type", async () => {
    const { events } = await archive();
    const rows = await runExample("error-rate-by-message-type");
    const sessions = byType(events, "ws_session_end");
    const expected = MESSAGE_TYPES.map((messageType) => {
      const sent = sessions.filter((e) => Object.hasOwn(field(e, "messagesByType") as object, messageType));
      const errors = weight(sent.filter((e) => field(e, "disconnectReason") !== "normal_close"));
      return { messageType, total: weight(sent), errors, error_rate: errors / weight(sent) };
    });
    expect(rows).toHaveLength(MESSAGE_TYPES.length);
    for (const row of rows) {
      const want = expected.find((e) => e.messageType === row.messageType)!;
      expect(row).toEqual({ ...want, error_rate: expect.closeTo(want.error_rate, 12) });
      // /query: the sessions that have the type, counted, and counted where they ended badly.
      const answer = await query({
        where: [
          { field: "type", op: "eq", value: "ws_session_end" },
          { field: `messagesByType.${row.messageType}`, op: "exists", value: true },
        ],
        aggregates: [
          { fn: "count", as: "total" },
          { fn: "count", as: "errors", where: [{ field: "disconnectReason", op: "ne", value: "normal_close" }] },
          { fn: "rate", as: "error_rate", where: [{ field: "disconnectReason", op: "ne", value: "normal_close" }] },
        ],
      });
      expect(answer.rows).toEqual([{ total: row.total, errors: row.errors, error_rate: expect.closeTo(row.error_rate as number, 12) }]);
    }
    const rates = rows.map((r) => r.error_rate as number);
    expect(rates).toEqual([...rates].sort((a, b) => b - a));
    expect(expected.every((e) => e.errors > 0 && e.errors < e.total)).toBe(true);
  });

  it("p99 session duration by region", async () => {
    const { events } = await archive();
    const rows = await runExample("p99-duration-by-colo");
    const answer = await query({
      where: [{ field: "type", op: "eq", value: "ws_session_end" }],
      groupBy: ["colo"],
      aggregates: [{ fn: "p99", field: "duration" }],
      orderBy: [{ field: "colo", dir: "asc" }],
    });
    expect(rows.map((r) => ({ colo: r.colo, p99_duration: r.p99_duration }))).toEqual(
      answer.rows.map((r) => ({ colo: r.colo, p99_duration: r.p99_duration })),
    );
    const sessions = byType(events, "ws_session_end");
    for (const row of rows) {
      const here = sessions.filter((e) => field(e, "colo") === row.colo);
      expect(row.p99_duration).toBe(
        expandedPercentile(
          here.map((e) => ({ value: field(e, "duration") as number, weight: e.sampleRate })),
          99,
        ),
      );
    }
    expect(rows.length).toBeGreaterThan(3);
  });

  it("sessions with state hash mismatches", async () => {
    const { events } = await archive();
    const rows = await runExample("sessions-with-hash-mismatches");
    const expected = byType(events, "ws_session_end")
      .filter((e) => (field(e, "hashMismatchCount") as number) > 0)
      .sort((a, b) => (field(b, "disconnectedAt") as number) - (field(a, "disconnectedAt") as number))
      .slice(0, 100);
    expect(expected.length).toBeGreaterThan(10);
    expectSameEventsInOrder(rows, expected, "disconnectedAt");
    const answer = await query({
      select: "events",
      where: [
        { field: "type", op: "eq", value: "ws_session_end" },
        { field: "hashMismatchCount", op: "gt", value: 0 },
      ],
      orderBy: [{ field: "data.disconnectedAt", dir: "desc" }],
      limit: 100,
    });
    expectSameEventsInOrder(answer.rows, expected, "disconnectedAt");
    // A row is the archived event, its envelope typed.
    const first = expected.find((e) => e.id === rows[0]!.id)!;
    expect(rows[0]).toEqual({
      id: first.id,
      invocationId: first.invocationId,
      type: "ws_session_end",
      kind: first.kind,
      importance: first.importance,
      timestamp: new Date(first.timestamp).toISOString(),
      timestampMs: first.timestamp,
      script: first.script,
      namespace: null,
      level: first.level ?? null,
      channel: null,
      text: null,
      parseError: null,
      truncated: null,
      validation: null,
      sampleRate: first.sampleRate,
      data: first.data,
      archiveKey: expect.stringMatching(/^tail-events\/2033-05-10\/importance-\d\/\d\d-\d\d-\w+\.json$/),
    });
  });

  it("one player's session history", async () => {
    const { events } = await archive();
    const rows = await runExample("player-session-history");
    const expected = byType(events, "ws_session_end")
      .filter((e) => field(e, "playerId") === "abc123")
      .sort((a, b) => (field(b, "connectedAt") as number) - (field(a, "connectedAt") as number));
    expect(expected.length).toBeGreaterThan(5);
    expectSameEventsInOrder(rows, expected, "connectedAt");
    const answer = await query({
      select: "events",
      where: [
        { field: "type", op: "eq", value: "ws_session_end" },
        { field: "playerId", op: "eq", value: "abc123" },
      ],
      orderBy: [{ field: "data.connectedAt", dir: "desc" }],
    });
    expectSameEventsInOrder(answer.rows, expected, "connectedAt");
  });

  it("runtime health: run outcomes per hour", async () => {
    const { events } = await archive();
    const rows = await runExample("run-outcomes-by-hour");
    const runs = byType(events, "run_complete");
    const hours = [...new Set(runs.map((e) => Math.floor(e.timestamp / 3_600_000) * 3_600_000))].sort((a, b) => a - b);
    expect(hours.length).toBeGreaterThan(10);
    expect(rows.map((r) => r.hour)).toEqual(hours.map((h) => new Date(h).toISOString()));
    const share = (inHour: Event[], status: string) => weight(inHour.filter((e) => field(e, "status") === status)) / weight(inHour);
    for (const [i, hour] of hours.entries()) {
      const inHour = runs.filter((e) => e.timestamp >= hour && e.timestamp < hour + 3_600_000);
      const expected = {
        hour: new Date(hour).toISOString(),
        runs: weight(inHour),
        success_rate: share(inHour, "success"),
        fail_rate: share(inHour, "failed"),
        kill_rate: share(inHour, "killed"),
      };
      expect(rows[i]).toEqual({
        ...expected,
        success_rate: expect.closeTo(expected.success_rate, 12),
        fail_rate: expect.closeTo(expected.fail_rate, 12),
        kill_rate: expect.closeTo(expected.kill_rate, 12),
      });
      const is = (status: string) => [{ field: "status", op: "eq", value: status }];
      const answer = await query({
        from: new Date(hour).toISOString(),
        to: new Date(hour + 3_599_999).toISOString(),
        where: [{ field: "type", op: "eq", value: "run_complete" }],
        aggregates: [
          { fn: "count", as: "runs" },
          { fn: "rate", as: "success_rate", where: is("success") },
          { fn: "rate", as: "fail_rate", where: is("failed") },
          { fn: "rate", as: "kill_rate", where: is("killed") },
        ],
      });
      const [row] = answer.rows;
      expect(row!.runs).toBe(rows[i]!.runs);
      for (const rate of ["success_rate", "fail_rate", "kill_rate"]) expect(row![rate]).toBeCloseTo(rows[i]![rate] as number, 12);
    }
  });

  it("runtime health: capsules by error rate", async () => {
    const { events } = await archive();
    const rows = await runExample("capsule-error-rates");
    const answer = await query({
      where: [{ field: "type", op: "eq", value: "run_complete" }],
      groupBy: ["capsuleId"],
      aggregates: [
        { fn: "count", as: "runs" },
        { fn: "count", as: "failed_runs", where: [{ field: "status", op: "ne", value: "success" }] },
        { fn: "rate", as: "error_rate", where: [{ field: "status", op: "ne", value: "success" }] },
      ],
      orderBy: [
        { field: "error_rate", dir: "desc" },
        { field: "capsuleId", dir: "asc" },
      ],
    });
    expect(rows).toHaveLength(answer.rows.length);
    for (const [i, row] of rows.entries()) {
      const want = answer.rows[i]!;
      expect(row).toEqual({ ...want, error_rate: expect.closeTo(want.error_rate as number, 12) });
      const runs = byType(events, "run_complete").filter((e) => field(e, "capsuleId") === row.capsuleId);
      expect(row.runs).toBe(weight(runs));
      expect(row.failed_runs).toBe(weight(runs.filter((e) => field(e, "status") !== "success")));
    }
  });

  it("runtime health: player console volume by level", async () => {
    const { events } = await archive();
    const rows = await runExample("console-volume-by-level");
    const lines = byType(events, "player_console_log");
    const answer = await query({
      where: [{ field: "type", op: "eq", value: "player_console_log" }],
      groupBy: ["data.level"],
      aggregates: [{ fn: "count", as: "reported_lines" }],
    });
    expect(rows.length).toBe(answer.rows.length);
    for (const row of rows) {
      expect(answer.rows.find((r) => r["data.level"] === row.level)?.reported_lines).toBe(row.reported_lines);
      const here = lines.filter((e) => field(e, "level") === row.level);
      expect(row.reported_lines).toBe(weight(here));
      expect(row.estimated_lines).toBeCloseTo(
        here.reduce((sum, e) => sum + e.sampleRate / (field(e, "sampleRate") as number), 0),
        9,
      );
    }
    const estimated = rows.map((r) => r.estimated_lines as number);
    expect(estimated).toEqual([...estimated].sort((a, b) => b - a));
  });
});
