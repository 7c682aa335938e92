import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { IngestBatch } from "../schemas/collector-rpc";
import type { Env } from "../schemas/config/env";
import worker from "../tail-worker/index";
import { handleTail } from "../tail-worker/tail-handler";
import { log, traceItem } from "./helpers/trace-items";

const FAST = { attempts: 4, baseDelayMs: 1, maxDelayMs: 1 };

/** The collector namespace, wrapped so that its first `failures` ingest calls fail as overloaded. */
function flakyCollector(failures: number): { env: Env; calls: IngestBatch[] } {
  const calls: IngestBatch[] = [];
  const namespace = env.TAIL_COLLECTOR;
  let remaining = failures;
  const wrapped = {
    idFromName: (name: string) => namespace.idFromName(name),
    get: (id: DurableObjectId) => {
      const stub = namespace.get(id);
      return {
        ingest: async (batch: IngestBatch) => {
          calls.push(batch);
          if (remaining-- > 0) throw Object.assign(new Error("Durable Object is overloaded"), { overloaded: true });
          return stub.ingest(batch);
        },
      };
    },
  };
  return { env: { ...env, TAIL_COLLECTOR: wrapped as unknown as Env["TAIL_COLLECTOR"] }, calls };
}

const items = () => [traceItem({ logs: [log("log", JSON.stringify({ _event: "order_created", orderId: crypto.randomUUID() }))] })];

// The tail worker retries the collector inside its budget and never throws out of tail().
describe("tail worker delivery to the collector", () => {
  it("retries an overloaded collector with backoff until it accepts", async () => {
    const flaky = flakyCollector(2);
    const summary = await handleTail(items(), flaky.env, FAST);
    expect(flaky.calls).toHaveLength(3);
    expect(summary).toMatchObject({ events: 2, accepted: 2, undelivered: 0, errors: [] });
  });

  it("counts what it could not deliver and reports it with its next successful call", async () => {
    const before = (await env.TAIL_COLLECTOR.get(env.TAIL_COLLECTOR.idFromName("collector-0")).stats()).counters.undelivered;
    const down = flakyCollector(FAST.attempts);
    const lost = await handleTail(items(), down.env, FAST);
    expect(lost.undelivered).toBe(2);
    expect(lost.errors[0]).toContain("overloaded");

    const up = flakyCollector(0);
    await handleTail(items(), up.env, FAST);
    expect(up.calls[0]!.undelivered).toBe(2);
    const after = (await env.TAIL_COLLECTOR.get(env.TAIL_COLLECTOR.idFromName("collector-0")).stats()).counters.undelivered;
    expect(after - before).toBe(2);
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
  });
});
