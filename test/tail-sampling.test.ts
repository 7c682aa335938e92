import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import type { EventEnvelope } from "../schemas/event-envelope";
import { collectorShard } from "../tail-worker/route/collector-stub";
import { handleTail, toWireEvents } from "../tail-worker/tail-handler";
import { log, traceItem } from "./helpers/trace-items";

const SAMPLING = { defaultRate: 0.1, rates: { checkout_done: 0.5 }, slowMs: { checkout_done: 1000 } };
const sampledEnv = { ...env, SAMPLING: JSON.stringify(SAMPLING) } as Env;

function run(items: unknown[], settings: Env = sampledEnv): EventEnvelope[] {
  return toWireEvents(items, loadConfig(settings), Date.now()).map((e) => JSON.parse(e.json) as EventEnvelope);
}

const wide = (n: number, fields: Record<string, unknown>) =>
  traceItem({
    eventTimestamp: 1_800_000_000_000 + n,
    logs: [log("log", JSON.stringify({ _event: "checkout_done", n, durationMs: 20, ...fields }))],
  });

// After an event is complete: keep what matters whole, sample the rest, and say what each kept one stands for.
describe("tail sampling", () => {
  it("keeps every event with sampleRate 1 by default", () => {
    const events = run([wide(1, {}), wide(2, {})], env);
    expect(events).toHaveLength(4);
    for (const event of events) expect(event.sampleRate).toBe(1);
  });

  it("samples routine events at their type's rate and weights the kept ones", () => {
    const items = Array.from({ length: 2000 }, (_, n) => wide(n, {}));
    const kept = run(items).filter((e) => e.type === "checkout_done");
    // 2,000 draws at rate 0.5: far outside 850..1150 would mean the draw is not uniform.
    expect(kept.length).toBeGreaterThan(850);
    expect(kept.length).toBeLessThan(1150);
    for (const event of kept) expect(event.sampleRate).toBe(2);
    const invocations = run(items).filter((e) => e.type === "invocation");
    expect(invocations.length).toBeLessThan(300);
    for (const event of invocations) expect(event.sampleRate).toBe(10);
  });

  it("keeps CRITICAL and HIGH, slow events and anomalies whole", () => {
    const items = Array.from({ length: 200 }, (_, n) => [
      wide(n, { durationMs: 5000 }),
      wide(n + 10_000, { hashMismatchCount: 2 }),
      wide(n + 20_000, { _importance: "HIGH" }),
      traceItem({ eventTimestamp: 1_800_000_000_000 + n, logs: [log("error", "boom")], outcome: "exception" }),
    ]).flat();
    const events = run(items);
    const byType = (type: string) => events.filter((e) => e.type === type);
    expect(byType("checkout_done")).toHaveLength(600);
    expect(byType("console.error")).toHaveLength(200);
    expect(events.filter((e) => e.type === "invocation" && e.importance === 0)).toHaveLength(200);
    for (const event of events.filter((e) => e.type !== "invocation" || e.importance === 0)) expect(event.sampleRate).toBe(1);
  });

  it("decides the same way every time for the same event", () => {
    const items = Array.from({ length: 100 }, (_, n) => wide(n, {}));
    expect(run(items).map((e) => e.id)).toEqual(run(items).map((e) => e.id));
  });

  it("multiplies a producer's own head sampling rate into sampleRate", () => {
    const event = run([wide(1, { _sampleRate: 4, sampleRate: 0.5, durationMs: 5000 })]).find((e) => e.type === "checkout_done");
    expect(event!.sampleRate).toBe(4);
  });

  it("puts sampleRate in the last double of the Analytics Engine data point", () => {
    const config = loadConfig({
      ...sampledEnv,
      ANALYTICS_ENABLED: "true",
      SAMPLING: JSON.stringify({ rates: { run_complete: 0.25 } }),
    } as Env);
    const runs = Array.from({ length: 40 }, (_, n) =>
      traceItem({
        eventTimestamp: 1_800_000_000_000 + n,
        logs: [
          log(
            "log",
            JSON.stringify({
              _event: "run_complete",
              timestamp: 1,
              runId: `r${n}`,
              status: "ok",
              plan: "pro",
              capsuleId: "c",
              durationMs: 5,
            }),
          ),
        ],
      }),
    );
    const points = toWireEvents(runs, config, Date.now())
      .filter((e) => e.type === "run_complete")
      .map((e) => e.analytics);
    expect(points.length).toBeGreaterThan(0);
    expect(points.length).toBeLessThan(40);
    for (const decision of points) expect(decision && "point" in decision ? decision.point.doubles.at(-1) : undefined).toBe(4);
  });

  it("counts what it dropped, by type, in /stats", async () => {
    const shards = loadConfig(sampledEnv).shardCount;
    const sampledOut = async () => {
      const all = await Promise.all(Array.from({ length: shards }, (_, i) => collectorShard(sampledEnv, i).stats()));
      return all.reduce((sum, s) => sum + (s.counters.sampledOut.checkout_done ?? 0), 0);
    };
    const before = await sampledOut();
    const items = Array.from({ length: 300 }, (_, n) => wide(n + 50_000, {}));
    const dropped: Record<string, number> = {};
    const keptNow = toWireEvents(items, loadConfig(sampledEnv), Date.now(), dropped).filter((e) => e.type === "checkout_done").length;
    const expectedDropped = 300 - keptNow;
    expect(dropped.checkout_done).toBe(expectedDropped);
    for (const item of items) await handleTail([item], sampledEnv);
    // The last invocation's drops ride with the next batch that gets through.
    await handleTail([traceItem({ logs: [log("error", "flush the report")] })], sampledEnv);
    expect((await sampledOut()) - before).toBe(expectedDropped);
  });
});
