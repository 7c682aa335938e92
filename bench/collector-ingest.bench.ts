import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { it } from "vitest";
import type { TailCollector } from "../collector-do/tail-collector";
import type { IngestBatch } from "../schemas/collector-rpc";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { handleTail, toWireEvents } from "../tail-worker/tail-handler";
import { countingBucket } from "./counting-bucket";
import { realisticInvocations } from "./realistic-mix";
import { report } from "./report";

const totalChanges = (stub: DurableObjectStub<TailCollector>) =>
  runInDurableObject(stub, (_instance: TailCollector, state) => Number(state.storage.sql.exec("SELECT total_changes() AS n").one().n));

/**
 * The collector at the default thresholds, one call at a time with no group-commit linger (each
 * call its own group): ingest throughput, SQLite rows written per event (all of them: buffer rows,
 * alarms, flush plans and commits), R2 Class A operations per million events, and collector calls
 * per tail invocation. bench/collector-concurrency.bench.ts measures calls that arrive together.
 */
it("collector ingest, rows written and R2 writes", async () => {
  const config = loadConfig(env);
  const invocations = realisticInvocations(5000, Date.UTC(2031, 5, 1));
  const batches = invocations.map((item) => toWireEvents([item], config, Date.now()));
  const events = batches.reduce((sum, b) => sum + b.length, 0);
  const stub = env.TAIL_COLLECTOR.get(env.TAIL_COLLECTOR.idFromName(`bench-${crypto.randomUUID()}`));
  const r2 = { classA: 0 };
  await runInDurableObject(stub, (instance: TailCollector) => {
    instance.archive = countingBucket(env.ARCHIVE, r2);
    (instance as unknown as { ingestGroup: { wait: () => Promise<void> } }).ingestGroup.wait = () => Promise.resolve();
  });

  const before = await totalChanges(stub);
  let ingestMs = 0;
  for (const [i, batch] of batches.entries()) {
    const start = performance.now();
    await stub.ingest({ events: batch });
    ingestMs += performance.now() - start;
    // The runtime fires due alarms by itself; here they run between calls, as a busy object would see them.
    if (i % 20 === 19) await runDurableObjectAlarm(stub);
  }
  await stub.flush();
  const rowsWritten = (await totalChanges(stub)) - before;

  // Calls per tail invocation, observed on a wrapped namespace: one tail() per producer invocation.
  let calls = 0;
  const namespace = env.TAIL_COLLECTOR;
  const observed = {
    ...env,
    TAIL_COLLECTOR: {
      idFromName: (name: string) => namespace.idFromName(name),
      get: (id: DurableObjectId) => ({
        ingest: (batch: IngestBatch) => {
          calls++;
          return namespace.get(id).ingest(batch);
        },
      }),
    },
  } as unknown as Env;
  const sample = realisticInvocations(200, Date.UTC(2031, 6, 1));
  for (const item of sample) await handleTail([item], observed);

  const forwarded = toWireEvents(invocations.slice(0, 500), loadConfig({ ...env, ANALYTICS_ENABLED: "true" } as Env), Date.now());
  report("collector", {
    events,
    eventsPerInvocation: events / invocations.length,
    ingestEventsPerSecond: events / (ingestMs / 1000),
    rowsWrittenPerEvent: rowsWritten / events,
    r2ClassAPerMillionEvents: (r2.classA / events) * 1e6,
    collectorCallsPerTailInvocation: calls / sample.length,
    dataPointsPerEvent: forwarded.filter((e) => e.analytics !== undefined).length / forwarded.length,
  });
});
