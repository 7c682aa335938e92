import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import type { EventEnvelope } from "../schemas/event-envelope";
import { takePendingReport } from "../tail-worker/route/pending-report";
import { handleTail, toWireEvents } from "../tail-worker/tail-handler";
import { wrappedNamespace } from "./helpers/collector-namespace";
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
  // Drops are reported with the isolate's next call: none left over from another test.
  beforeEach(() => void takePendingReport());

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

  it("samples identical invocations independently, so their kept count stays unbiased", () => {
    // The same TraceItem 2,000 times (a hot route): a draw fixed by content would keep all or none.
    const kept = run(Array.from({ length: 2000 }, () => wide(1, {}))).filter((e) => e.type === "checkout_done");
    expect(kept.length).toBeGreaterThan(850);
    expect(kept.length).toBeLessThan(1150);
  });

  it("decides once per delivery: a retried call resends exactly the events kept the first time", async () => {
    const ns = wrappedNamespace(
      "sampling-retry",
      {
        afterIngest: (_result, call) => {
          if (call === 1) throw new Error("answer lost");
        },
      },
      {
        SAMPLING: JSON.stringify(SAMPLING),
      },
    );
    await handleTail(
      Array.from({ length: 50 }, (_, n) => wide(n, {})),
      ns.env,
      { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    );
    expect(ns.calls).toHaveLength(2);
    expect(ns.calls[1]!.events.map((e) => e.id)).toEqual(ns.calls[0]!.events.map((e) => e.id));
    expect((await ns.shard(0).stats()).counters.duplicates).toBe(ns.calls[0]!.events.length);
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
    const ns = wrappedNamespace("sampling-counts", {}, { SAMPLING: JSON.stringify(SAMPLING) });
    const items = Array.from({ length: 300 }, (_, n) => wide(n + 50_000, {}));
    for (const item of items) await handleTail([item], ns.env);
    // The last invocation's drops ride with the next batch that gets through.
    await handleTail([traceItem({ logs: [log("error", "flush the report")] })], ns.env);
    const kept = ns.calls.flatMap((call) => call.events).filter((e) => e.type === "checkout_done").length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(300);
    expect((await ns.shard(0).stats()).counters.sampledOut.checkout_done).toBe(300 - kept);
  });
});
