import { describe, expect, it } from "vitest";
import { collector, overrideCollectorConfig } from "./helpers/collector";
import { expandedPercentile, namedEvent, pickFrom, postQuery, type QueryEvent, seededRandom, toWire } from "./helpers/query-events";

// The example queries, answered by /query over events that went through the collector
// (some flushed to R2, some still buffered) and checked against counts computed here, with plain
// loops, from the same events.

const START = Date.UTC(2032, 2, 4, 10, 0, 0);
const RANGE = { from: new Date(START).toISOString(), to: new Date(START + 2 * 3_600_000).toISOString() };

const CAPSULES = ["cap_a", "cap_b", "cap_c", "cap_d"];
const MESSAGE_TYPES = ["toggle_step", "set_tempo", "play", "stop", "clock_sync"];
const PLAYERS = ["p_ann", "p_bob", "p_cy", "p_dee", "p_eve"];

function dataset(): QueryEvent[] {
  const random = seededRandom(42);
  const at = () => START + Math.floor(random() * 2 * 3_600_000);
  const weight = () => pickFrom(random, [1, 1, 1, 2, 5]);
  const events: QueryEvent[] = [];
  for (let i = 0; i < 90; i++) {
    const durationMs = Math.floor(50 + random() * 3000);
    // A few deliberately invalid durations (the producer's `invalid` mode): no number, so no percentile.
    const invalid = i % 23 === 0;
    events.push(
      namedEvent(
        "run_complete",
        at(),
        { capsuleId: pickFrom(random, CAPSULES), durationMs: invalid ? `${durationMs}ms` : durationMs, status: "success" },
        { sampleRate: weight() },
      ),
    );
  }
  for (let i = 0; i < 120; i++) {
    const failed = random() < 0.2 + MESSAGE_TYPES.indexOf(pickFrom(random, MESSAGE_TYPES)) * 0.05;
    events.push(
      namedEvent(
        "ws_message",
        at(),
        { messageType: pickFrom(random, MESSAGE_TYPES), outcome: failed ? "error" : "ok", failed },
        { sampleRate: weight() },
      ),
    );
  }
  for (let i = 0; i < 40; i++) {
    const hashMismatchCount = random() < 0.3 ? 1 + Math.floor(random() * 4) : 0;
    events.push(
      namedEvent(
        "ws_session_end",
        at(),
        { sessionId: `s${i}`, playerId: pickFrom(random, PLAYERS), hashMismatchCount, disconnectReason: "normal_close" },
        { importance: hashMismatchCount > 0 ? 1 : 2 },
      ),
    );
  }
  // Noise of other types, and a run_complete outside the range, which must not count.
  for (let i = 0; i < 30; i++) events.push(namedEvent("run_start", at(), { capsuleId: pickFrom(random, CAPSULES) }));
  events.push(namedEvent("run_complete", START - 1, { capsuleId: "cap_a", durationMs: 999_999 }));
  events.push(namedEvent("run_complete", START + 2 * 3_600_000 + 1, { capsuleId: "cap_a", durationMs: 999_999 }));
  return events;
}

/** Two thirds flushed to R2 by the collector, the rest left in its buffer. */
async function load(events: QueryEvent[]): Promise<QueryEvent[]> {
  const stub = collector("collector-0");
  // The buffered third must stay buffered while the test runs: no alarm flush for an hour.
  await overrideCollectorConfig(stub, (config) => ({ ...config, flushIntervalSeconds: 3600 }));
  const cut = Math.floor((events.length * 2) / 3);
  await stub.ingest({ events: toWire(events.slice(0, cut)) });
  const flushed = await stub.flush();
  expect(flushed.errors).toEqual([]);
  expect(flushed.events).toBe(cut);
  await stub.ingest({ events: toWire(events.slice(cut)) });
  return events;
}

// Storage lasts for the whole file: the events are loaded once and every test queries them.
let loaded: Promise<QueryEvent[]> | undefined;
const loadOnce = () => (loaded ??= load(dataset()));

const inRange = (e: QueryEvent) => e.timestamp >= START && e.timestamp <= START + 2 * 3_600_000;
const weightOf = (e: QueryEvent) => e.sampleRate ?? 1;

describe("the issue's example queries", () => {
  it("p95 durationMs of run_complete by capsuleId", async () => {
    const events = await loadOnce();
    const { status, body } = await postQuery({
      ...RANGE,
      where: [{ field: "type", op: "eq", value: "run_complete" }],
      groupBy: ["capsuleId"],
      aggregates: [{ fn: "p95", field: "durationMs" }, { fn: "count" }],
      orderBy: [{ field: "capsuleId", dir: "asc" }],
    });
    expect(status, JSON.stringify(body)).toBe(200);

    const expected = CAPSULES.map((capsuleId) => {
      const runs = events.filter((e) => inRange(e) && e.type === "run_complete" && e.data.capsuleId === capsuleId);
      const timed = runs
        .filter((e) => typeof e.data.durationMs === "number")
        .map((e) => ({ value: e.data.durationMs as number, weight: weightOf(e) }));
      return { capsuleId, p95_durationMs: expandedPercentile(timed, 95), count: runs.reduce((sum, e) => sum + weightOf(e), 0) };
    });
    expect(body.rows).toEqual(expected);
    // Both halves were read: objects from R2 and events from the collector's buffer.
    expect(body.scanned.objects).toBeGreaterThan(0);
    expect(body.scanned.buffered).toBe(events.length - Math.floor((events.length * 2) / 3));
    expect(body.scanned.events).toBe(events.length);
    expect(body.truncated).toBe(false);
  });

  it("error rate by messageType: two counts, a rate, and the avg of a boolean agree", async () => {
    const events = await loadOnce();
    const isError = [{ field: "outcome", op: "eq", value: "error" }];
    const { status, body } = await postQuery({
      ...RANGE,
      where: [{ field: "type", op: "eq", value: "ws_message" }],
      groupBy: ["messageType"],
      aggregates: [
        { fn: "count", as: "total" },
        { fn: "count", as: "errors", where: isError },
        { fn: "rate", as: "error_rate", where: isError },
        { fn: "avg", field: "failed", as: "failed_share" },
      ],
      orderBy: [{ field: "error_rate", dir: "desc" }],
    });
    expect(status, JSON.stringify(body)).toBe(200);

    const expected = MESSAGE_TYPES.map((messageType) => {
      const messages = events.filter((e) => inRange(e) && e.type === "ws_message" && e.data.messageType === messageType);
      const total = messages.reduce((sum, e) => sum + weightOf(e), 0);
      const errors = messages.filter((e) => e.data.outcome === "error").reduce((sum, e) => sum + weightOf(e), 0);
      return { messageType, total, errors, rate: errors / total };
    }).sort((a, b) => b.rate - a.rate);
    expect(body.rows.map((r) => r.messageType)).toEqual(expected.map((e) => e.messageType));
    for (const [i, row] of body.rows.entries()) {
      expect(row.total).toBe(expected[i]!.total);
      expect(row.errors).toBe(expected[i]!.errors);
      expect(row.error_rate).toBeCloseTo(expected[i]!.rate, 12);
      expect(row.failed_share).toBeCloseTo(expected[i]!.rate, 12);
    }
    // The dataset has errors in every type, so the ordering above is a real check.
    expect(expected.every((e) => e.errors > 0)).toBe(true);
  });

  it("sessions with hashMismatchCount > 0, as events and as a count", async () => {
    const events = await loadOnce();
    const where = [
      { field: "type", op: "eq", value: "ws_session_end" },
      { field: "hashMismatchCount", op: "gt", value: 0 },
    ];
    const listed = await postQuery({
      ...RANGE,
      select: "events",
      where,
      orderBy: [{ field: "data.hashMismatchCount", dir: "desc" }],
      limit: 1000,
    });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const expected = events.filter((e) => inRange(e) && e.type === "ws_session_end" && (e.data.hashMismatchCount as number) > 0);
    expect(expected.length).toBeGreaterThan(3);
    expect(listed.body.rows.map((r) => r.id).sort()).toEqual(expected.map((e) => e.id).sort());
    const counts = listed.body.rows.map((r) => (r.data as { hashMismatchCount: number }).hashMismatchCount);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    // The rows are the archived events themselves.
    expect(listed.body.rows[0]).toEqual(expected.find((e) => e.id === listed.body.rows[0]!.id));

    const counted = await postQuery({
      ...RANGE,
      where,
      aggregates: [{ fn: "count" }, { fn: "count_distinct", field: "sessionId", as: "sessions" }],
    });
    expect(counted.body.rows).toEqual([{ count: expected.length, sessions: new Set(expected.map((e) => e.data.sessionId)).size }]);
  });

  it("ws_session_end of one playerId", async () => {
    const events = await loadOnce();
    const { status, body } = await postQuery({
      ...RANGE,
      select: "events",
      where: [
        { field: "type", op: "eq", value: "ws_session_end" },
        { field: "playerId", op: "eq", value: "p_bob" },
      ],
    });
    expect(status, JSON.stringify(body)).toBe(200);
    const expected = events
      .filter((e) => inRange(e) && e.type === "ws_session_end" && e.data.playerId === "p_bob")
      .sort((a, b) => b.timestamp - a.timestamp);
    expect(expected.length).toBeGreaterThan(1);
    // Newest first by default.
    expect(body.rows.map((r) => r.id)).toEqual(expected.map((e) => e.id));
  });
});
