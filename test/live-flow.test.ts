import { describe, expect, it } from "vitest";
import { envelopeScript } from "../collector-do/live/envelope-script";
import { parseLiveFilter } from "../collector-do/live/hub/live-filter";
import { acknowledge, newStreamState, planDelivery, SkipSamples } from "../collector-do/live/hub/stream-flow";
import { PendingMatches } from "../collector-do/live/pending-matches";
import { requiredText } from "../collector-do/live/required-text";
import { StreamMatcher } from "../collector-do/live/stream-matcher";
import type { WireEvent } from "../schemas/collector-rpc";
import { compileWhere } from "../schemas/filter/compile";
import type { Condition } from "../schemas/filter/condition";
import { LIVE_BUFFER_BYTES } from "../schemas/live/protocol";
import { LIVE_SHARD_MAX_BYTES, LIVE_SHARD_MAX_EVENTS_PER_STREAM, type LiveFilter } from "../schemas/live/streams";
import { toWireEvents } from "./helpers/pipeline";
import { fetchEvent, log, traceItem } from "./helpers/trace-items";

const event = (id: string, extra = "") => JSON.stringify({ id, type: "t", data: { pad: extra } });
const parse = (message: string) => JSON.parse(message) as { type: string; count?: number; events?: { id: string }[]; samples?: unknown[] };

describe("a stream's bounded buffer (hub side)", () => {
  it("sends up to the buffer, counts the rest as skipped, and marks the gap once there is room", () => {
    const state = { ...newStreamState("s"), buffer: 3 };
    const samples = new SkipSamples(2);
    const first = planDelivery(
      state,
      ["a", "b", "c", "d", "e"].map((id) => event(id)),
      samples,
    );
    expect(first.sentEvents).toBe(3);
    expect(first.messages.map(parse)).toMatchObject([{ type: "events", events: [{ id: "a" }, { id: "b" }, { id: "c" }] }]);
    expect(state.skipped).toBe(2);

    // Nothing acknowledged: everything more is skipped, no marker yet.
    expect(planDelivery(state, [event("f")], samples).messages).toEqual([]);
    expect(state.skipped).toBe(3);

    expect(acknowledge(state, parse(first.messages[0]!).type === "events" ? JSON.parse(first.messages[0]!).ack : null)).toBe(true);
    const next = planDelivery(state, [event("g")], samples);
    expect(next.messages.map(parse)).toMatchObject([
      { type: "skipped", count: 3 },
      { type: "events", events: [{ id: "g" }] },
    ]);
    expect(parse(next.messages[0]!).samples).toHaveLength(2);
    expect(state.skipped).toBe(0);
  });

  it("never sends an event after a gap before the gap's marker, and bounds bytes as well as events", () => {
    const state = newStreamState("s");
    const big = "x".repeat(LIVE_BUFFER_BYTES / 2);
    const plan = planDelivery(state, [event("a", big), event("b", big), event("c")], undefined);
    // a fits, b would pass the byte budget, c is small but comes after the gap.
    expect(plan.sentEvents).toBe(1);
    expect(state.skipped).toBe(2);
  });

  it("lets one event larger than the byte budget through when nothing is in flight", () => {
    const state = newStreamState("s");
    expect(planDelivery(state, [event("huge", "x".repeat(LIVE_BUFFER_BYTES + 10))], undefined).sentEvents).toBe(1);
  });

  it("splits large deliveries into several messages, each with its own ack", () => {
    const state = newStreamState("s");
    const plan = planDelivery(
      state,
      Array.from({ length: 8 }, (_, i) => event(`e${i}`, "y".repeat(100_000))),
      undefined,
    );
    expect(plan.messages.length).toBeGreaterThan(1);
    const acks = plan.messages.map((m) => JSON.parse(m).ack.events as number);
    expect(acks).toEqual([...acks].sort((a, b) => a - b));
    expect(acks[acks.length - 1]).toBe(8);
  });

  it("refuses acks for more than was sent or going backwards", () => {
    const state = newStreamState("s");
    planDelivery(state, [event("a"), event("b")], undefined);
    expect(acknowledge(state, { events: 3, bytes: state.sent.bytes })).toBe(false);
    expect(acknowledge(state, { events: 2, bytes: state.sent.bytes + 1 })).toBe(false);
    expect(acknowledge(state, "2")).toBe(false);
    expect(acknowledge(state, state.sent)).toBe(true);
    expect(acknowledge(state, { events: 1, bytes: 1 })).toBe(false);
  });
});

describe("pending matches (collector side)", () => {
  it("holds an event once for every stream it matches", () => {
    const pending = new PendingMatches();
    const held = pending.add("s1", event("a"), -1);
    expect(pending.add("s2", event("a"), held)).toBe(held);
    const delivery = pending.take(7)!;
    expect(delivery.version).toBe(7);
    expect(delivery.events).toHaveLength(1);
    expect(delivery.streams).toEqual([
      { id: "s1", events: [0], skipped: 0 },
      { id: "s2", events: [0], skipped: 0 },
    ]);
    expect(pending.take(7)).toBeNull();
  });

  it("counts matches past a stream's bound as skipped, and past the shard's bound for every stream", () => {
    const pending = new PendingMatches();
    for (let i = 0; i < LIVE_SHARD_MAX_EVENTS_PER_STREAM + 5; i++) pending.add("s1", event(`e${i}`), -1);
    // 900 KB events for six streams: each fits its stream's 1 MiB, the shard's 4 MiB holds four.
    const big = "z".repeat(900_000);
    for (let i = 0; i < 6; i++) pending.add(`big${i}`, event(`b${i}`, big), -1);
    const delivery = pending.take(1)!;
    expect(delivery.streams.find((s) => s.id === "s1")).toMatchObject({ skipped: 5 });
    expect(delivery.streams.find((s) => s.id === "s1")!.events).toHaveLength(LIVE_SHARD_MAX_EVENTS_PER_STREAM);
    expect(delivery.streams.filter((s) => s.skipped > 0).map((s) => s.id)).toEqual(["s1", "big4", "big5"]);
    expect(delivery.events.reduce((sum, json) => sum + json.length, 0)).toBeLessThanOrEqual(LIVE_SHARD_MAX_BYTES);
  });

  it("carries skips of a failed delivery into the next one and forgets closed streams", () => {
    const pending = new PendingMatches();
    pending.skip("s1", 4);
    pending.add("s2", event("a"), -1);
    pending.keepOnly([{ id: "s1", filter: { types: [], importances: [], scripts: [], where: [] } }]);
    expect(pending.take(1)!.streams).toEqual([{ id: "s1", events: [], skipped: 4 }]);
  });
});

describe("stream matcher (collector hot path)", () => {
  const wire = (type: string, importance: 0 | 1 | 2 | 3, envelope: Record<string, unknown> = {}): WireEvent => ({
    id: `${type}-${importance}`,
    importance,
    timestamp: 0,
    type,
    kind: "log",
    namespace: null,
    asText: false,
    json: JSON.stringify({ id: `${type}-${importance}`, type, importance, script: null, data: {}, ...envelope }),
  });
  const filter = (f: Partial<LiveFilter>): LiveFilter => ({ types: [], importances: [], scripts: [], where: [], ...f });

  it("parses an event only for streams with conditions beyond type and importance", () => {
    let parses = 0;
    const realParse = JSON.parse;
    const matcher = new StreamMatcher([
      { id: "types", filter: filter({ types: ["order_*"] }) },
      { id: "where", filter: filter({ types: ["pay*"], where: [{ field: "amount", op: "gt", value: 10 }] }) },
    ]);
    const pending = new PendingMatches();
    JSON.parse = ((text: string) => {
      parses++;
      return realParse(text);
    }) as typeof JSON.parse;
    try {
      matcher.match(
        [wire("order_created", 2), wire("heartbeat", 3), wire("payment", 2, { data: { amount: 50 } }), wire("payment", 1)],
        pending,
      );
    } finally {
      JSON.parse = realParse;
    }
    // order_created needs no parse (type alone); the payment without an amount is passed over by
    // its text: only the payment with an amount is parsed.
    expect(parses).toBe(1);
    const delivery = pending.take(1)!;
    expect(Object.fromEntries(delivery.streams.map((s) => [s.id, s.events.map((i) => realParse(delivery.events[i]!).id)]))).toEqual({
      types: ["order_created-2"],
      where: ["payment-2"],
    });
  });

  it("answers the same whether where streams scan the JSON first or the event is parsed at once", () => {
    const where = (field: string, op: Condition["op"], value: unknown) => filter({ where: [{ field, op, value }] });
    const streams = [
      { id: "a", filter: where("amount", "gt", 10) },
      { id: "b", filter: where("currency", "eq", "EUR") },
      { id: "c", filter: where("note", "ne", "x") },
    ];
    const events = [
      wire("payment", 2, { data: { amount: 50, currency: "EUR" } }),
      wire("payment", 2, { data: { amount: 5, currency: "USD", note: "x" } }),
      wire("payment", 2, { data: {} }),
    ];
    const matched = (set: typeof streams) => {
      const pending = new PendingMatches();
      new StreamMatcher(set).match(events, pending);
      const delivery = pending.take(1);
      return Object.fromEntries(
        (delivery?.streams ?? []).map((s) => [s.id, s.events.map((i) => (JSON.parse(delivery!.events[i]!) as { data: unknown }).data)]),
      );
    };
    // Three where streams: parsed at once. One at a time: each scans for its texts first.
    const together = matched(streams);
    const alone = Object.assign({}, ...streams.map((s) => matched([s])));
    expect(together).toEqual(alone);
    expect(together).toEqual({
      a: [{ amount: 50, currency: "EUR" }],
      b: [{ amount: 50, currency: "EUR" }],
      c: [{ amount: 50, currency: "EUR" }, {}],
    });
  });

  it("matches script globs on the archived event; a null script matches no script filter", () => {
    const matcher = new StreamMatcher([{ id: "s", filter: filter({ scripts: ["shop-*"] }) }]);
    const pending = new PendingMatches();
    matcher.match([wire("a", 2, { script: "shop-api" }), wire("b", 2, { script: null }), wire("c", 2, { script: "game" })], pending);
    expect(pending.take(1)!.streams[0]!.events).toHaveLength(1);
  });
});

describe("the script read without parsing", () => {
  it("is the envelope's script, whatever the producer's data holds", () => {
    for (const scriptName of ["shop-api", null, 'we"ird\\name', "日本-api"]) {
      const item = traceItem({
        scriptName,
        event: fetchEvent("GET", "https://x.example/", 200),
        logs: [log("log", JSON.stringify({ _event: "e", script: "not-this-one" })), log("log", 'plain text with "script":"nor-this"')],
      });
      for (const event of toWireEvents([item])) {
        expect(envelopeScript(event.json), event.json.slice(0, 200)).toBe((JSON.parse(event.json) as { script: string | null }).script);
      }
    }
    expect(envelopeScript('{"data":{}}')).toBeUndefined();
  });
});

describe("texts an event must hold before it is parsed", () => {
  it("asks for the keys conditions need and plain eq values, nothing for numbers, nulls or negations", () => {
    const where: Condition[] = [
      { field: "playerId", op: "eq", value: "abc-123" },
      { field: "data.durationMs", op: "gte", value: "100" },
      { field: "status", op: "eq", value: "200" },
      { field: "note", op: "ne", value: "x" },
      { field: "gone", op: "exists", value: false },
      { field: "maybe", op: "in", value: ["a", null] },
      { field: "weird key", op: "eq", value: "v" },
      { field: "path", op: "eq", value: "/orders/1" },
    ];
    // A key with a space is left to the parse; its plain value still counts.
    expect(requiredText(where).sort()).toEqual(['"durationMs"', '"path"', '"playerId"', '"status"', "abc-123", "v"].sort());
  });

  it("never rules out an event the conditions hold for, however the producer wrote its JSON", () => {
    const where: Condition[][] = [
      [{ field: "playerId", op: "eq", value: "abc-123" }],
      [{ field: "durationMs", op: "gte", value: 100 }],
      [{ field: "total", op: "eq", value: "100" }],
      [{ field: "flag", op: "eq", value: "true" }],
      [{ field: "tags", op: "contains", value: "Blue" }],
      [{ field: "city", op: "eq", value: "Zürich" }],
      [{ field: "level", op: "eq", value: "error" }],
    ];
    // The producer's own line is the event's data: spaces, floats, exponents and escapes as it wrote them.
    const lines = [
      '{ "playerId" : "abc-123" }',
      '{"durationMs": 1.5e2}',
      '{"total":100.0}',
      '{"flag":true}',
      '{"tags":["red","blue"]}',
      '{"city":"Z\u00fcrich"}',
      '{"note":"level"}',
    ];
    for (const conditions of where) {
      const holds = compileWhere(conditions);
      for (const line of lines) {
        const json = `{"id":"x","type":"t","importance":2,"level":"error","data":${line}}`;
        if (holds(JSON.parse(json))) for (const text of requiredText(conditions)) expect(json, JSON.stringify(conditions)).toContain(text);
      }
    }
  });
});

describe("live filters", () => {
  it("reads the filter box's text: type, importance and script terms, the rest as where conditions", () => {
    expect(parseLiveFilter('type=ws_* importance=HIGH script=game-* playerId=abc123 durationMs>=100 note~"time out"')).toEqual({
      filter: {
        types: ["ws_*"],
        importances: [1],
        scripts: ["game-*"],
        where: [
          { field: "playerId", op: "eq", value: "abc123" },
          { field: "durationMs", op: "gte", value: "100" },
          { field: "note", op: "contains", value: "time out" },
        ],
      },
    });
    expect(parseLiveFilter(undefined)).toEqual({ filter: { types: [], importances: [], scripts: [], where: [] } });
  });

  it("refuses what it cannot use with a message naming the part", () => {
    expect(parseLiveFilter({ type: [""] })).toEqual({ error: expect.stringMatching(/^filter\.type\[0\]/) });
    expect(parseLiveFilter({ where: [{ field: "a", op: "in", value: [] }] })).toEqual({
      error: expect.stringMatching(/^filter\.where\[0\]\.value: op "in"/),
    });
    expect(parseLiveFilter({ where: [{ field: "a", op: "in", value: Array.from({ length: 900 }, (_, i) => `value-${i}`) }] })).toEqual({
      error: expect.stringMatching(/characters of JSON; a live filter holds at most/),
    });
    expect(parseLiveFilter(42)).toEqual({ error: expect.stringMatching(/^filter: must be/) });
  });
});
