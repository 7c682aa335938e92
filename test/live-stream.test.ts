import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { LiveHub } from "../collector-do/live/hub/live-hub";
import { CollectorStore } from "../collector-do/store/collector-store";
import type { TailCollector } from "../collector-do/tail-collector";
import { collectorShard } from "../schemas/collector-shards";
import type { Env } from "../schemas/config/env";
import type { EventEnvelope } from "../schemas/event-envelope";
import type { LiveCollectorRpc, LiveStreamSet } from "../schemas/live/streams";
import worker from "../tail-worker/index";
import { handleTail } from "../tail-worker/tail-handler";
import { eventKey, liveHub, openStream, type TestStream } from "./helpers/live";
import { toWireEvents } from "./helpers/pipeline";
import { fetchEvent, logAt, traceItem } from "./helpers/trace-items";

// GET /live end to end inside workerd: the Worker's tail() → the real TailCollector shards (SQLite)
// → the real LiveHub (hibernatable WebSockets) → a WebSocket client opened through the Worker's fetch.
const open: TestStream[] = [];
afterEach(() => {
  for (const stream of open.splice(0)) stream.close();
});

async function stream(options?: Parameters<typeof openStream>[0]): Promise<TestStream> {
  const s = await openStream(options);
  open.push(s);
  return s;
}

/**
 * One producer invocation logging these wide events: the TraceItem, and its events' keys
 * (eventKey) by type ("invocation" for its record) and in order.
 */
function invocation(script: string, events: Record<string, unknown>[]) {
  const at = Date.now();
  const item = traceItem({
    scriptName: script,
    eventTimestamp: at,
    event: fetchEvent("POST", `https://${script}.example/${crypto.randomUUID()}`, 200),
    logs: events.map((e, i) => logAt(at + i + 1, "log", JSON.stringify(e))),
  });
  const wire = toWireEvents([item]);
  const all = wire.map((e) => eventKey(JSON.parse(e.json) as EventEnvelope));
  const keys: Record<string, string> = Object.fromEntries(wire.map((e, i) => [e.kind === "invocation" ? "invocation" : e.type, all[i]!]));
  return { item, keys, all };
}

const tail = (items: unknown[]) => worker.tail(items as TraceItem[], env);
const shard0 = () => collectorShard(env, 0) as unknown as DurableObjectStub<TailCollector>;

/** Until the shard has handed every match to the hub (its deliveries run on a timer). */
async function deliveredAll(shard = shard0()): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await runInDurableObject(shard, (collector: TailCollector) => collector.live.idle)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the collector still has matches for the hub after 5 s");
}

/** The stream ids a shard holds in its SQLite (what survives its eviction). */
function storedStreamIds(shard = shard0()): Promise<string[]> {
  return runInDurableObject(shard, (_collector: TailCollector, state) =>
    new CollectorStore(state.storage).loadLiveStreams().streams.map((s) => s.id),
  );
}

/** Replaces the hub's shards for one test (more shards, or counting pushes); answers the restore. */
async function withHubShards(
  shards: (real: () => readonly LiveCollectorRpc[]) => () => readonly LiveCollectorRpc[],
): Promise<() => Promise<void>> {
  let restore!: () => readonly LiveCollectorRpc[];
  await runInDurableObject(liveHub(), (hub: LiveHub) => {
    restore = hub.shards;
    hub.shards = shards(hub.shards);
  });
  return () =>
    runInDurableObject(liveHub(), (hub: LiveHub) => {
      hub.shards = restore;
    });
}

describe("GET /live", () => {
  it("delivers an event tail() stored to a subscribed WebSocket", async () => {
    const s = await stream();
    const subscribed = await s.subscribe({ type: "live_first_*" });
    expect(subscribed.shards).toEqual({ ready: 1, total: 1 });
    expect(subscribed.filter).toEqual({ types: ["live_first_*"], importances: [], scripts: [], where: [] });

    const { item, keys } = invocation("shop-api", [{ _event: "live_first_order", orderId: "o-1" }]);
    const started = performance.now();
    await tail([item]);
    const message = await s.next("events");
    console.log(`live: tail() to WebSocket in ${Math.round(performance.now() - started)} ms (not asserted; measured in npm run bench)`);
    expect(message.events.map(eventKey)).toEqual([keys.live_first_order]);
    expect(message.events[0]).toMatchObject({ type: "live_first_order", script: "shop-api", data: { orderId: "o-1" } });
  });

  it("sends each stream exactly the events its filter holds for: type glob, importance, script, any field", async () => {
    const streams = {
      type: await stream(),
      importance: await stream(),
      script: await stream(),
      field: await stream(),
      text: await stream(),
      object: await stream(),
    };
    await streams.type.subscribe({ type: "LIVE_F_*" });
    await streams.importance.subscribe({ importance: "HIGH" });
    await streams.script.subscribe({ script: "shop-*" });
    await streams.field.subscribe({ where: ["playerId=abc123"] });
    await streams.text.subscribe("type=live_f_* importance=HIGH playerId=abc123");
    await streams.object.subscribe({
      script: ["game-*"],
      importance: [2, "HIGH"],
      where: [{ field: "data.playerId", op: "in", value: ["abc123", "nobody"] }],
    });

    const shop = invocation("shop-api", [
      { _event: "live_f_order", playerId: "abc123" },
      { _event: "live_f_alert", _importance: "HIGH", playerId: "zzz" },
    ]);
    const game = invocation("game-api", [
      { _event: "live_g_move", playerId: "abc123" },
      { _event: "live_f_crash", _importance: "HIGH", playerId: "abc123" },
    ]);
    // Last, one event each stream holds for: once a stream has it, it has everything before it.
    const endShop = invocation("shop-api", [{ _event: "live_f_end", _importance: "HIGH", playerId: "abc123" }]);
    const endGame = invocation("game-api", [{ _event: "live_g_end", _importance: "HIGH", playerId: "abc123" }]);
    await tail([shop.item]);
    await tail([game.item]);
    await tail([endShop.item]);
    await tail([endGame.item]);

    const expected = {
      type: [shop.keys.live_f_order, shop.keys.live_f_alert, game.keys.live_f_crash, endShop.keys.live_f_end],
      importance: [shop.keys.live_f_alert, game.keys.live_f_crash, endShop.keys.live_f_end, endGame.keys.live_g_end],
      script: [shop.keys.invocation, shop.keys.live_f_order, shop.keys.live_f_alert, endShop.keys.invocation, endShop.keys.live_f_end],
      field: [shop.keys.live_f_order, game.keys.live_g_move, game.keys.live_f_crash, endShop.keys.live_f_end, endGame.keys.live_g_end],
      text: [game.keys.live_f_crash, endShop.keys.live_f_end],
      object: [game.keys.live_g_move, game.keys.live_f_crash, endGame.keys.live_g_end],
    };
    const ours = new Set([...shop.all, ...game.all, ...endShop.all, ...endGame.all]);
    for (const [name, s] of Object.entries(streams)) {
      const want = expected[name as keyof typeof expected];
      await s.waitForKeys([want[want.length - 1]!]);
      expect(
        s.keys().filter((id) => ours.has(id)),
        `stream ${name}`,
      ).toEqual(want);
    }
  });

  it("refuses a filter it cannot use, naming the bad part, and keeps the stream's previous filter", async () => {
    const s = await stream();
    await s.subscribe({ type: "live_keep_*" });
    await expect(s.subscribe({ where: [{ field: "x", op: "bogus", value: 1 }] })).rejects.toThrow(/filter\.where\[0\]\.op: must be one of/);
    await expect(s.subscribe({ importance: "URGENT" })).rejects.toThrow(/filter\.importance\[0\]: "URGENT" is not 0-3/);
    await expect(s.subscribe({ colour: "red" } as never)).rejects.toThrow(/filter\.colour: unknown key/);
    await expect(s.subscribe("playerId")).rejects.toThrow(/must look like field=value/);
    await expect(s.subscribe({}, { buffer: 0 })).rejects.toThrow(/buffer: must be a whole number/);
    s.ws.send("not json");
    expect((await s.next("error")).message).toMatch(/messages are JSON objects with a type/);

    const { item, keys } = invocation("shop-api", [{ _event: "live_keep_me" }, { _event: "live_other" }]);
    await tail([item]);
    await s.waitForKeys([keys.live_keep_me!]);
    await deliveredAll();
    expect(s.keys()).toEqual([keys.live_keep_me]);
  });

  it("gives a slow consumer skip markers (with samples when asked) while ingest stores every event", async () => {
    const s = await stream({ autoAck: false });
    await s.subscribe({ type: "live_slow_*" }, { buffer: 5, samples: 3 });
    const before = (await shard0().stats()).counters.received;

    const invocations = Array.from({ length: 10 }, (_, n) =>
      invocation(
        "shop-api",
        Array.from({ length: 5 }, (_, i) => ({ _event: `live_slow_${i}`, n })),
      ),
    );
    const matching = invocations.flatMap((inv) => inv.all.filter((key) => key !== inv.keys.invocation));
    for (const inv of invocations) {
      const summary = await handleTail([inv.item], env);
      expect(summary).toMatchObject({ events: 6, accepted: 6, undelivered: 0, errors: [] });
    }
    expect((await shard0().stats()).counters.received).toBe(before + 60);
    await deliveredAll();

    // The buffer holds 5 unacknowledged events: the first 5 went, the other 45 were skipped.
    expect(s.keys()).toEqual(matching.slice(0, 5));
    expect(s.received.some((m) => m.type === "skipped")).toBe(false);

    s.ack();
    const marker = await s.next("skipped");
    expect(marker.count).toBe(45);
    expect(marker.samples).toHaveLength(3);
    for (const sample of marker.samples!) expect(matching.slice(5)).toContain(eventKey(sample));

    // With room again, new events flow, after the marker.
    const after = invocation("shop-api", [{ _event: "live_slow_after" }]);
    await tail([after.item]);
    await s.waitForKeys([after.keys.live_slow_after!]);
    const markerAt = s.received.indexOf(marker);
    const eventsAt = s.received.findIndex((m) => m.type === "events" && m.events.some((e) => eventKey(e) === after.keys.live_slow_after));
    expect(eventsAt).toBeGreaterThan(markerAt);
  });

  it("keeps streaming across a collector eviction: the shard reads the filters back from its SQLite", async () => {
    let pushes = 0;
    const restore = await withHubShards(
      (real) => () =>
        real().map((shard) => ({
          setLiveStreams: (set: LiveStreamSet) => {
            pushes++;
            return shard.setLiveStreams(set);
          },
        })),
    );
    try {
      const s = await stream();
      const { stream: id } = await s.subscribe({ type: "live_evict_c_*" });
      expect(await storedStreamIds()).toContain(id);
      const first = invocation("shop-api", [{ _event: "live_evict_c_1" }]);
      await tail([first.item]);
      await s.waitForKeys([first.keys.live_evict_c_1!]);
      const pushesBefore = pushes;

      await evictDurableObject(shard0());
      const second = invocation("shop-api", [{ _event: "live_evict_c_2" }]);
      await tail([second.item]);
      await s.waitForKeys([second.keys.live_evict_c_2!]);
      expect(pushes, "the hub did not have to tell the restarted shard again").toBe(pushesBefore);
    } finally {
      await restore();
    }
  });

  it("keeps streaming across a hub eviction: hibernated sockets keep their stream, closed ones re-subscribe", async () => {
    const s = await stream();
    await s.subscribe({ type: "live_evict_h_*" }, { buffer: 50 });
    const first = invocation("shop-api", [{ _event: "live_evict_h_1" }]);
    await tail([first.item]);
    await s.waitForKeys([first.keys.live_evict_h_1!]);

    // Hibernation: the object goes, the WebSocket and its attachment (filter, flow control) stay.
    await evictDurableObject(liveHub());
    const second = invocation("shop-api", [{ _event: "live_evict_h_2" }]);
    await tail([second.item]);
    await s.waitForKeys([second.keys.live_evict_h_2!]);
    s.ws.send(JSON.stringify({ type: "ack", ack: { events: 2, bytes: 1 } }));
    expect((await s.next("error")).message, "the flow control survived: a forged ack is still refused").toMatch(/ack/);

    // Evicted with its sockets closed: the shard still matches for the closed stream until its
    // next delivery finds no such socket, and the hub tells every shard the streams left.
    const { stream: closedId } = s.received.find((m) => m.type === "subscribed") as { stream: string };
    await evictDurableObject(liveHub(), { webSockets: "close" });
    await s.next("closed");
    expect(await storedStreamIds()).toContain(closedId);
    const orphan = invocation("shop-api", [{ _event: "live_evict_h_orphan" }]);
    await tail([orphan.item]);
    for (let i = 0; i < 100 && (await storedStreamIds()).includes(closedId); i++) await new Promise((r) => setTimeout(r, 25));
    expect(await storedStreamIds()).not.toContain(closedId);

    // The client reconnects and subscribes again.
    const again = await stream();
    const { stream: id } = await again.subscribe({ type: "live_evict_h_*" });
    expect(await storedStreamIds()).toContain(id);
    const third = invocation("shop-api", [{ _event: "live_evict_h_3" }]);
    await tail([third.item]);
    await again.waitForKeys([third.keys.live_evict_h_3!]);
  });

  it("gathers matches from every shard", async () => {
    // Stubs made inside the hub, when it calls: a stub belongs to the context that made it.
    const restore = await withHubShards(() => () => [0, 1, 2].map((i) => collectorShard(env, i)));
    try {
      const s = await stream();
      const subscribed = await s.subscribe({ type: "live_shards_*" });
      expect(subscribed.shards).toEqual({ ready: 3, total: 3 });
      // Invocations until each of the three shards got one (an invocation goes whole to one shard,
      // chosen by its random id): every one of them must reach the stream.
      const threeShards = { ...env, SHARD_COUNT: "3" } as Env;
      const received = () => Promise.all([0, 1, 2].map(async (i) => (await collectorShard(env, i).stats()).counters.received));
      const reached = new Set<number>();
      const sent: string[] = [];
      for (let n = 0; reached.size < 3 && n < 100; n++) {
        const inv = invocation("shop-api", [{ _event: "live_shards_event", n }]);
        const before = await received();
        await handleTail([inv.item], threeShards);
        for (const [i, count] of (await received()).entries()) if (count > before[i]!) reached.add(i);
        sent.push(inv.keys.live_shards_event!);
      }
      expect([...reached].sort()).toEqual([0, 1, 2]);
      await s.waitForKeys(sent);
    } finally {
      await restore();
    }
  });

  it("retries a shard that missed the streams from the hub's alarm", async () => {
    let refusals = 3;
    const restore = await withHubShards(
      (real) => () =>
        real().map((shard) => ({
          setLiveStreams: (set: LiveStreamSet) => (refusals-- > 0 ? Promise.reject(new Error("overloaded")) : shard.setLiveStreams(set)),
        })),
    );
    try {
      const s = await stream();
      const subscribed = await s.subscribe({ type: "live_retry_*" });
      expect(subscribed.shards, "every attempt of the first push failed").toEqual({ ready: 0, total: 1 });
      expect(await storedStreamIds()).not.toContain(subscribed.stream);
      expect(await runDurableObjectAlarm(liveHub())).toBe(true);
      expect(await storedStreamIds()).toContain(subscribed.stream);
      const { item, keys } = invocation("shop-api", [{ _event: "live_retry_1" }]);
      await tail([item]);
      await s.waitForKeys([keys.live_retry_1!]);
    } finally {
      await restore();
    }
  });

  it("tells the shards when a stream closes, so they stop matching for it", async () => {
    const s = await stream();
    const { stream: id } = await s.subscribe({ type: "live_close_*" });
    expect(await storedStreamIds()).toContain(id);
    s.close();
    for (let i = 0; i < 100 && (await storedStreamIds()).includes(id); i++) await new Promise((r) => setTimeout(r, 25));
    expect(await storedStreamIds()).not.toContain(id);
  });
});
