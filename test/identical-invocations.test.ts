import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../schemas/event-envelope";
import worker from "../tail-worker/index";
import { handleTail } from "../tail-worker/tail-handler";
import { wrappedNamespace } from "./helpers/collector-namespace";
import { fetchEvent, log, traceItem } from "./helpers/trace-items";

/** A hot route's invocation: same script, time, URL, timings and log line every time (a cache hit). */
const cacheHit = () =>
  traceItem({
    event: fetchEvent("GET", "https://shop.example/products/42", 200),
    logs: [log("log", JSON.stringify({ _event: "cache_hit", key: "product:42" }))],
  });

async function archivedEvents(stub: { flush(): Promise<{ objects: { key: string }[]; errors: string[] }> }, bucket: R2Bucket) {
  const report = await stub.flush();
  expect(report.errors).toEqual([]);
  const events: EventEnvelope[] = [];
  for (const { key } of report.objects) events.push(...((await (await bucket.get(key))!.json()) as EventEnvelope[]));
  return events;
}

// Ids name one delivery of one invocation, not its content: identical invocations are all kept,
// and only a retried delivery (the same call sending the same events again) is recognised.
describe("identical invocations", () => {
  it("are each archived when they come in separate tail() calls", { timeout: 120_000 }, async () => {
    const ns = wrappedNamespace("identical-serial");
    const n = 40;
    for (let i = 0; i < n; i++) await worker.tail([cacheHit()] as unknown as TraceItem[], ns.env);
    const events = await archivedEvents(ns.shard(0), ns.env.ARCHIVE);
    expect(events.filter((e) => e.type === "cache_hit")).toHaveLength(n);
    expect(events.filter((e) => e.kind === "invocation")).toHaveLength(n);
    expect(new Set(events.map((e) => e.invocationId)).size).toBe(n);
    expect((await ns.shard(0).stats()).counters).toMatchObject({ received: 2 * n, duplicates: 0 });
  });

  it("are each archived when 200 tail() calls run at once, and when one call carries several", { timeout: 120_000 }, async () => {
    const ns = wrappedNamespace("identical-concurrent");
    const n = 200;
    await Promise.all(Array.from({ length: n }, () => worker.tail([cacheHit()] as unknown as TraceItem[], ns.env)));
    await worker.tail([cacheHit(), cacheHit(), cacheHit()] as unknown as TraceItem[], ns.env);
    const events = await archivedEvents(ns.shard(0), ns.env.ARCHIVE);
    expect(events.filter((e) => e.type === "cache_hit")).toHaveLength(n + 3);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect((await ns.shard(0).stats()).counters).toMatchObject({ received: 2 * (n + 3), duplicates: 0 });
  });

  it("are archived once when a delivery is retried after the collector stored it but its answer was lost", async () => {
    const ns = wrappedNamespace("identical-retried", {
      afterIngest: (_result, call) => {
        if (call === 1) throw new Error("Network connection lost");
      },
    });
    const summary = await handleTail([cacheHit(), cacheHit()], ns.env, { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 });
    expect(ns.calls).toHaveLength(2);
    // The retry sent the very same events, ids included.
    expect(ns.calls[1]!.events.map((e) => e.id)).toEqual(ns.calls[0]!.events.map((e) => e.id));
    expect(summary).toMatchObject({ events: 4, accepted: 0, duplicates: 4, undelivered: 0 });
    const events = await archivedEvents(ns.shard(0), ns.env.ARCHIVE);
    expect(events.filter((e) => e.type === "cache_hit")).toHaveLength(2);
    expect((await ns.shard(0).stats()).counters).toMatchObject({ received: 4, duplicates: 4 });
  });
});

describe("shard choice", () => {
  it("stays even for identical invocations: each one draws its own shard", { timeout: 120_000 }, async () => {
    const ns = wrappedNamespace("identical-shards", {}, { SHARD_COUNT: "4" });
    const n = 400;
    await Promise.all(Array.from({ length: n }, () => handleTail([cacheHit()], ns.env)));
    const perShard = await Promise.all([0, 1, 2, 3].map(async (i) => (await ns.shard(i).stats()).counters.received / 2));
    expect(perShard.reduce((a, b) => a + b, 0)).toBe(n);
    // 400 fair draws over 4 shards: each far from 100 would mean the choice is not even.
    for (const count of perShard) expect(count).toBeGreaterThan(50);
  });
});
