import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../schemas/event-envelope";
import worker from "../tail-worker/index";
import { readArchives, utcDate } from "./helpers/archive";
import { fetchEvent, logAt, T0, traceItem } from "./helpers/trace-items";

// The whole pipeline: the Worker's tail() handler → TailCollector (real Durable Object, SQLite)
// → POST /flush → R2 objects holding the producer's events under their importance directories.
describe("tail() to R2", () => {
  it("archives a producer's events, unchanged, under the right importance directories", async () => {
    const payment = { _event: "Financial.Payment.completed", id: "pay-77", amount: 4200, currency: "USD" };
    const generation = { _event: "AI.Generation.completed", id: "gen-456", model: "llama-3", tokens: 1500, duration: 2340 };
    const items = [
      traceItem({
        scriptName: "shop-api",
        event: fetchEvent("POST", "https://shop.example/checkout", 200),
        logs: [
          logAt(T0 + 1, "log", JSON.stringify(payment)),
          logAt(T0 + 2, "info", generation),
          logAt(T0 + 3, "error", "inventory service slow"),
          logAt(T0 + 4, "log", "request done"),
        ],
      }),
      // A second invocation of the same tail call: it crashed.
      traceItem({
        scriptName: "shop-api",
        eventTimestamp: T0 + 10,
        event: fetchEvent("GET", "https://shop.example/orders/42", 500),
        outcome: "exception",
        exceptions: [{ timestamp: T0 + 11, name: "TypeError", message: "Cannot read properties of undefined (reading 'id')" }],
      }),
    ];

    // tail() awaits delivery itself (it uses no ctx.waitUntil), so the events are stored when it returns.
    await worker.tail(items as unknown as TraceItem[], env);

    const flush = await exports.default.fetch("http://do-tail/flush", { method: "POST" });
    expect(flush.status).toBe(200);
    const report = (await flush.json()) as { events: number; objects: { key: string }[]; errors: string[] };
    expect(report.errors).toEqual([]);
    expect(report.events).toBe(7);

    const archives = await readArchives(env.ARCHIVE, `tail-events/${utcDate(T0)}/`);
    expect(archives.map((a) => a.key).sort()).toEqual(report.objects.map((o) => o.key).sort());
    const where = (predicate: (e: EventEnvelope) => boolean) =>
      archives.flatMap((a) => a.events.filter(predicate).map((e) => ({ dir: a.key.split("/")[2], event: e })));

    // Each event once, in the directory of its importance.
    const by = (type: string) => where((e) => e.type === type);
    expect(by("Financial.Payment.completed").map((x) => x.dir)).toEqual(["importance-0"]);
    expect(by("exception").map((x) => x.dir)).toEqual(["importance-0"]);
    expect(by("console.error").map((x) => x.dir)).toEqual(["importance-1"]);
    expect(by("AI.Generation.completed").map((x) => x.dir)).toEqual(["importance-2"]);
    expect(by("console.log").map((x) => x.dir)).toEqual(["importance-3"]);
    // The ok invocation is routine (LOW); the crashed one is CRITICAL.
    expect(
      where((e) => e.kind === "invocation")
        .map((x) => [x.event.data.outcome, x.dir])
        .sort(),
    ).toEqual([
      ["exception", "importance-0"],
      ["ok", "importance-3"],
    ]);

    // The producer's own fields arrive unchanged, with script, namespace and invocation.
    const [archivedPayment] = by("Financial.Payment.completed");
    expect(archivedPayment!.event).toMatchObject({
      script: "shop-api",
      namespace: "Financial",
      importance: 0,
      timestamp: T0 + 1,
      data: payment,
    });
    expect(by("AI.Generation.completed")[0]!.event.data).toEqual(generation);

    // All events of the first invocation share its invocationId, and can be found by it.
    const invocationId = archivedPayment!.event.invocationId;
    expect(where((e) => e.invocationId === invocationId)).toHaveLength(5);
  });
});
