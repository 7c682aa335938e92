import { env, exports } from "cloudflare:workers";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../schemas/config/config";
import { EventEnvelope } from "../schemas/event-envelope";
import { chunkIntoBatches } from "../tail-worker/route/batches";
import { handleTail, toWireEvents } from "../tail-worker/tail-handler";
import { collector, overrideCollectorConfig } from "./helpers/collector";
import { expectedEventCount, hostileCorpus } from "./helpers/hostile-corpus";

const FAST = { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 };

// Whatever arrives, tail() does not throw, and every input is archived or counted with a reason.
describe("hostile TraceItems", () => {
  it("has a corpus of at least 200 items", () => {
    expect(hostileCorpus().length).toBeGreaterThanOrEqual(200);
  });

  it("never throws out of the tail path, which the worker entry relies on", { timeout: 120_000 }, async () => {
    await expect(
      handleTail(
        hostileCorpus().map((c) => c.item),
        env,
        FAST,
      ),
    ).resolves.toMatchObject({ undelivered: 0 });
  });

  it("hands every event of every item to the collector, which stores it or counts it as a duplicate", { timeout: 120_000 }, async () => {
    const items = hostileCorpus().map((c) => c.item);
    const expected = items.reduce((sum: number, item) => sum + expectedEventCount(item), 0);
    const summary = await handleTail(items, env, FAST);
    expect(summary.events).toBe(expected);
    expect(summary.undelivered).toBe(0);
    expect(summary.accepted + summary.duplicates).toBe(expected);
  });

  it("archives every distinct event as a valid envelope", { timeout: 120_000 }, async () => {
    const config = loadConfig(env);
    const wire = toWireEvents(
      hostileCorpus().map((c) => c.item),
      config,
      Date.now(),
    );
    const stub = collector("hostile-archive");
    // Only the flush below writes, so that its report names every object (no alarm flushes between calls).
    const never = { events: 1e6, bytes: 2 ** 30 };
    await overrideCollectorConfig(stub, (c) => ({
      ...c,
      flushIntervalSeconds: 3600,
      thresholds: { 0: never, 1: never, 2: never, 3: never },
    }));
    for (const events of chunkIntoBatches(wire, config.batchSize, config.maxBatchBytes)) await stub.ingest({ events });
    const report = await stub.flush();
    expect(report.errors).toEqual([]);

    const archived = new Set<string>();
    for (const { key } of report.objects) {
      const events = (await (await env.ARCHIVE.get(key))!.json()) as unknown[];
      for (const event of events) {
        const parsed = v.parse(EventEnvelope, event);
        expect(JSON.stringify(parsed).length).toBeLessThanOrEqual(config.maxEventBytes * 2);
        archived.add(parsed.id);
      }
    }
    expect(archived).toEqual(new Set(wire.map((e) => e.id)));
    const stats = await stub.stats();
    expect(stats.counters.received).toBe(archived.size);
    expect(stats.counters.duplicates + stats.counters.received).toBe(wire.length);
  });

  it("pollutes no prototype and keeps serving", async () => {
    await handleTail(
      hostileCorpus().map((c) => c.item),
      env,
      FAST,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
    expect((await exports.default.fetch("http://do-tail/health")).status).toBe(200);
    expect((await exports.default.fetch("http://do-tail/stats")).status).toBe(200);
  });
});

describe("a TraceItem that breaks a step after parsing", () => {
  it("becomes one marked event instead of costing the tail call its other items", () => {
    const booby = Object.defineProperty({}, "secret", {
      enumerable: true,
      get() {
        throw new Error("getter exploded");
      },
    });
    const fine = {
      scriptName: "fine",
      eventTimestamp: 1,
      logs: [{ level: "log", timestamp: 1, message: ["ok"] }],
      exceptions: [],
      diagnosticsChannelEvents: [],
      outcome: "ok",
    };
    const broken = { ...fine, scriptName: "broken", logs: [{ level: "log", timestamp: 1, message: [booby] }] };
    const events = toWireEvents([broken, fine], loadConfig(env), Date.now()).map(
      (e) => JSON.parse(e.json) as { type: string; script: string | null; parseError?: string },
    );
    expect(events.filter((e) => e.script === "fine")).toHaveLength(2);
    const marked = events.filter((e) => e.type === "do_tail.trace_item_unreadable");
    expect(marked).toHaveLength(1);
    expect(marked[0]!.parseError).toContain("getter exploded");
  });
});
