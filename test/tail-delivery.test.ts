import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { Env } from "../schemas/config/env";
import worker from "../tail-worker/index";
import { recordUndelivered, takePendingReport } from "../tail-worker/route/pending-report";
import { handleTail } from "../tail-worker/tail-handler";
import { wrappedNamespace } from "./helpers/collector-namespace";
import { log, traceItem } from "./helpers/trace-items";

const FAST = { attempts: 4, baseDelayMs: 1, maxDelayMs: 1 };

/** A collector of this test's own, whose first `failures` ingest calls fail as overloaded. */
function flakyCollector(name: string, failures: number) {
  let remaining = failures;
  return wrappedNamespace(`delivery-${name}-${crypto.randomUUID()}`, {
    beforeIngest: () => {
      if (remaining-- > 0) throw Object.assign(new Error("Durable Object is overloaded"), { overloaded: true });
    },
  });
}

const items = () => [traceItem({ logs: [log("log", JSON.stringify({ _event: "order_created", orderId: crypto.randomUUID() }))] })];

// The tail worker retries the collector inside its budget and never throws out of tail().
describe("tail worker delivery to the collector", () => {
  // What the isolate owes the collector is module state: each test starts owing nothing.
  beforeEach(() => {
    takePendingReport();
  });

  it("retries an overloaded collector with backoff until it accepts", async () => {
    const flaky = flakyCollector("retries", 2);
    const summary = await handleTail(items(), flaky.env, FAST);
    expect(flaky.calls).toHaveLength(3);
    expect(flaky.calls.map((c) => c.events.map((e) => e.id))).toEqual([0, 1, 2].map(() => flaky.calls[0]!.events.map((e) => e.id)));
    expect(summary).toMatchObject({ events: 2, accepted: 2, undelivered: 0, errors: [] });
    expect((await flaky.shard(0).stats()).counters).toMatchObject({ received: 2, duplicates: 0, undelivered: 0 });
  });

  it("counts what it could not deliver and reports it with its next successful call, once", async () => {
    const down = flakyCollector("down", FAST.attempts);
    const lost = await handleTail(items(), down.env, FAST);
    expect(lost.undelivered).toBe(2);
    expect(lost.errors[0]).toContain("overloaded");
    expect(down.calls).toHaveLength(FAST.attempts);
    // Every failed attempt carried the report and put it back.
    expect((await down.shard(0).stats()).counters.received).toBe(0);

    const up = flakyCollector("up", 0);
    await handleTail(items(), up.env, FAST);
    await handleTail(items(), up.env, FAST);
    expect(up.calls.map((c) => c.undelivered)).toEqual([2, 0]);
    expect((await up.shard(0).stats()).counters).toMatchObject({ undelivered: 2, received: 4 });
  });

  it("keeps the sampled-out report of a call that failed for the next one", async () => {
    const sampled = { SAMPLING: JSON.stringify({ defaultRate: 0 }) };
    const down = wrappedNamespace(
      `delivery-sampled-${crypto.randomUUID()}`,
      {
        beforeIngest: () => {
          throw new Error("down");
        },
      },
      sampled,
    );
    // Everything routine is dropped by sampling; the error log is kept and carries the report.
    await handleTail([traceItem({ logs: [log("log", "routine"), log("error", "kept")] })], down.env, FAST);
    const up = wrappedNamespace(`delivery-sampled-up-${crypto.randomUUID()}`, {}, sampled);
    await handleTail([traceItem({ logs: [log("error", "kept")] })], up.env, FAST);
    expect(up.calls[0]!.sampledOut).toEqual({ invocation: 2, "console.log": 1 });
    expect(up.calls[0]!.undelivered).toBe(1);
  });

  it("counts a report once when the call carrying it was stored but its answer lost, and retried", async () => {
    let answers = 0;
    const lossy = wrappedNamespace(`delivery-lost-answer-${crypto.randomUUID()}`, {
      afterIngest: () => {
        if (answers++ === 0) throw new Error("network: answer lost");
      },
    });
    const down = flakyCollector("down-before-lost-answer", FAST.attempts);
    await handleTail(items(), down.env, FAST);
    await handleTail(items(), lossy.env, FAST);
    // The first call was stored, its answer lost; the retry carried the same events and report.
    expect(lossy.calls.map((c) => c.undelivered)).toEqual([2, 2]);
    expect((await lossy.shard(0).stats()).counters).toMatchObject({ received: 2, duplicates: 2, undelivered: 2 });
  });

  it("keeps what became owed during a call's retries for a later call, rather than on a retry that cannot count it", async () => {
    let answers = 0;
    const lossy = wrappedNamespace(`delivery-owed-meanwhile-${crypto.randomUUID()}`, {
      afterIngest: () => {
        if (answers++ > 0) return;
        // Meanwhile another batch of this isolate gave up on 5 events.
        recordUndelivered(5);
        throw new Error("network: answer lost");
      },
    });
    await handleTail(items(), lossy.env, FAST);
    await handleTail(items(), lossy.env, FAST);
    expect(lossy.calls.map((c) => c.undelivered)).toEqual([0, 0, 5]);
    expect((await lossy.shard(0).stats()).counters).toMatchObject({ received: 4, duplicates: 2, undelivered: 5 });
  });

  it("never throws out of tail(), whatever the collector does", async () => {
    const broken = {
      ...env,
      TAIL_COLLECTOR: {
        idFromName: () => {
          throw new Error("binding gone");
        },
      },
    } as unknown as Env;
    await expect(worker.tail(items() as unknown as TraceItem[], broken)).resolves.toBeUndefined();
    // What it could not deliver is owed, not lost: the next call carries it.
    expect(takePendingReport().report.undelivered).toBe(2);
  });
});
