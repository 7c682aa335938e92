import { describe, expect, it } from "vitest";
import type { Env } from "../schemas/config/env";
import { router } from "../tail-worker/http/router";
import { testDay } from "./helpers/collector";
import { wrappedNamespace } from "./helpers/collector-namespace";
import { wireEvents } from "./helpers/wire-events";

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const call = async (env: Env, method: string, path: string) => {
  const response = await router.fetch(new Request(`http://do-tail${path}`, { method }), env, ctx);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** Three shards holding 5, 7 and 11 events; the shards in `unreachable` fail every call. */
async function threeShards(name: string, unreachable: number[]) {
  const ns = wrappedNamespace(name, { unreachableShards: new Set(unreachable) }, { SHARD_COUNT: "3" });
  const { timestamp } = testDay(700);
  for (const [shard, count] of [5, 7, 11].entries())
    await ns.shard(shard).ingest({ events: wireEvents(count, { timestamp, prefix: `${name}-${shard}` }) });
  return ns;
}

// One unreachable shard must not cost the answers of the others: each shard's part, with its error.
describe("/stats and /flush with a shard that cannot be reached", () => {
  it("/stats answers 207 with the totals of the shards that answered and each shard's status", async () => {
    const ns = await threeShards("stats-partial", [1]);
    const { status, body } = await call(ns.env, "GET", "/stats");
    expect(status).toBe(207);
    expect((body.counters as { received: number }).received).toBe(5 + 11);
    expect((body.buffered as { NORMAL: { events: number } }).NORMAL.events).toBe(5 + 11);
    expect(body.shards).toEqual([
      { shard: 0, status: "ok" },
      { shard: 1, status: "unreachable", error: "shard 1 is unreachable" },
      { shard: 2, status: "ok" },
    ]);
    expect(body.config).toMatchObject({ shardCount: 3 });
  });

  it("/flush answers 207 with what the others flushed, and the unreachable shard's error", async () => {
    const ns = await threeShards("flush-partial", [1]);
    const { status, body } = await call(ns.env, "POST", "/flush");
    expect(status).toBe(207);
    expect(body.events).toBe(5 + 11);
    expect(body.errors).toEqual(["shard 1: unreachable: shard 1 is unreachable"]);
    expect(body.shards).toEqual([
      { shard: 0, status: "ok" },
      { shard: 1, status: "unreachable", error: "shard 1 is unreachable" },
      { shard: 2, status: "ok" },
    ]);
    expect((await ns.shard(1).stats()).counters.archived).toBe(0);
  });

  it("answers 502 when no shard answers, and 200 with every shard ok when all do", async () => {
    const down = await threeShards("all-down", [0, 1, 2]);
    const stats = await call(down.env, "GET", "/stats");
    expect(stats.status).toBe(502);
    expect(stats.body).toMatchObject({
      error: { status: 502, message: "no collector shard answered", details: { shards: expect.any(Array) } },
    });
    const flush = await call(down.env, "POST", "/flush");
    expect(flush.status).toBe(502);
    expect(flush.body.errors).toHaveLength(3);

    const up = await threeShards("all-up", []);
    const ok = await call(up.env, "GET", "/stats");
    expect(ok.status).toBe(200);
    expect((ok.body.counters as { received: number }).received).toBe(23);
    expect((ok.body.shards as { status: string }[]).map((s) => s.status)).toEqual(["ok", "ok", "ok"]);
    const flushed = await call(up.env, "POST", "/flush");
    expect(flushed.status).toBe(200);
    expect(flushed.body.events).toBe(23);
  });
});
