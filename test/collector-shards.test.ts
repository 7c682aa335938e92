import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { collectorTag, parseArchiveKey } from "../schemas/archive/key";
import { collectorShard } from "../schemas/collector-shards";
import type { Env } from "../schemas/config/env";
import { router } from "../tail-worker/http/router";
import { handleTail } from "../tail-worker/tail-handler";
import { log, traceItem } from "./helpers/trace-items";

const SHARDS = 4;
const sharded = { ...env, SHARD_COUNT: String(SHARDS) } as Env;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const api = async (method: string, path: string) =>
  (await router.fetch(new Request(`http://do-tail${path}`, { method }), sharded, ctx)).json();

async function receivedPerShard(): Promise<number[]> {
  return Promise.all(Array.from({ length: SHARDS }, async (_, i) => (await collectorShard(sharded, i).stats()).counters.received));
}

// Several collector shards share the load; each invocation stays on one; the API adds them up.
describe("sharded collectors", () => {
  it("spreads invocations over the shards, keeps each on one, and fans stats and flush out", async () => {
    const before = await receivedPerShard();
    const statsBefore = (await api("GET", "/stats")) as { counters: { received: number } };
    const run = crypto.randomUUID();
    let events = 0;
    for (let i = 0; i < 40; i++) {
      const logs = Array.from({ length: 1 + (i % 5) }, (_, n) => log("log", JSON.stringify({ _event: "sharded", run, invocation: i, n })));
      const summary = await handleTail([traceItem({ logs })], sharded);
      expect(summary.batches).toBe(1);
      events += summary.accepted;
    }
    const gained = (await receivedPerShard()).map((count, i) => count - before[i]!);
    expect(gained.reduce((a, b) => a + b, 0)).toBe(events);
    expect(gained.filter((count) => count > 0).length).toBeGreaterThanOrEqual(2);

    const stats = (await api("GET", "/stats")) as { counters: { received: number }; config: { shardCount: number } };
    expect(stats.config.shardCount).toBe(SHARDS);
    expect(stats.counters.received - statsBefore.counters.received).toBe(events);

    const report = (await api("POST", "/flush")) as { objects: { key: string }[]; errors: string[] };
    expect(report.errors).toEqual([]);
    const keys = report.objects.map((o) => o.key);
    expect(new Set(keys).size).toBe(keys.length);

    const tags = new Set(
      Array.from({ length: SHARDS }, (_, i) => collectorTag(sharded.TAIL_COLLECTOR.idFromName(`collector-${i}`).toString())),
    );
    expect(tags.size).toBe(SHARDS);
    const tagsByInvocation = new Map<number, Set<string>>();
    for (const key of keys) {
      const tag = [...tags].find((t) => parseArchiveKey(key)!.id.startsWith(t))!;
      expect(tag).toBeDefined();
      const archived = (await (await env.ARCHIVE.get(key))!.json()) as { type: string; data: { run?: string; invocation?: number } }[];
      for (const event of archived.filter((e) => e.data.run === run)) {
        const seen = tagsByInvocation.get(event.data.invocation!) ?? new Set<string>();
        seen.add(tag);
        tagsByInvocation.set(event.data.invocation!, seen);
      }
    }
    expect(tagsByInvocation.size).toBe(40);
    for (const shardTags of tagsByInvocation.values()) expect(shardTags.size).toBe(1);
  });
});
