import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { it } from "vitest";
import type { TailCollector } from "../collector-do/tail-collector";
import type { WireEvent } from "../schemas/collector-rpc";
import { loadConfig } from "../schemas/config/config";
import { sleep } from "../schemas/lib/sleep";
import { toWireEvents } from "../tail-worker/tail-handler";
import { countingBucket } from "./counting-bucket";
import { type MixTraceItem, realisticInvocations, wideEventInvocations } from "./realistic-mix";
import { report } from "./report";

const RATES = [100, 500, 1000];
const SECONDS = 10;
const TICK_MS = 5;

const MIXES: { key: string; name: string; invocations: (count: number, start: number) => MixTraceItem[] }[] = [
  { key: "mix10", name: "10 events per invocation", invocations: realisticInvocations },
  { key: "mix2", name: "2 events per invocation", invocations: wideEventInvocations },
];

interface Observed {
  alarms: number;
  groups: number;
  /** Buffer rows the groups wrote (one per group, more when a group's events span hours). */
  bufferRows: number;
  /** With Basin bound: send() calls, records and their bytes as JSON. */
  sends: number;
  records: number;
  recordBytes: number;
}

/**
 * The collector under test, with its alarms and commits counted and R2 operations counted; with
 * `basin`, bound to the (locally no-op) pipelines binding through a wrapper that counts sends.
 */
async function observedCollector(
  r2: { classA: number; classB?: number },
  basin: boolean,
): Promise<{ stub: DurableObjectStub<TailCollector>; observed: Observed }> {
  const stub = env.TAIL_COLLECTOR.get(env.TAIL_COLLECTOR.idFromName(`bench-concurrency-${crypto.randomUUID()}`));
  const observed: Observed = { alarms: 0, groups: 0, bufferRows: 0, sends: 0, records: 0, recordBytes: 0 };
  await runInDurableObject(stub, (instance: TailCollector) => {
    instance.archive = countingBucket(env.ARCHIVE, r2);
    if (basin) {
      instance.basinStream = {
        send: (records) => {
          observed.sends++;
          observed.records += records.length;
          observed.recordBytes += new TextEncoder().encode(JSON.stringify(records)).length - records.length - 1;
          return env.TEST_BASIN_STREAM.send(records);
        },
      };
    }
    const alarm = instance.alarm.bind(instance);
    instance.alarm = () => {
      observed.alarms++;
      return alarm();
    };
    const intake = (instance as unknown as { intake: { commit: (...args: unknown[]) => unknown } }).intake;
    const commit = intake.commit.bind(intake);
    intake.commit = (...args: unknown[]) => {
      observed.groups++;
      return commit(...args);
    };
    const buffer = (instance as unknown as { store: { buffer: { write: (rows: unknown[], ...rest: unknown[]) => void } } }).store.buffer;
    const write = buffer.write.bind(buffer);
    buffer.write = (rows: unknown[], ...rest: unknown[]) => {
      observed.bufferRows += rows.length;
      write(rows, ...rest);
    };
  });
  return { stub, observed };
}

const totalChanges = (stub: DurableObjectStub<TailCollector>) =>
  runInDurableObject(stub, (_instance: TailCollector, state) => Number(state.storage.sql.exec("SELECT total_changes() AS n").one().n));

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** One open-loop run of `mix` at `rate` calls a second; its figures are reported as `name`. */
async function runAt(name: string, mix: (typeof MIXES)[number], rate: number, basin: boolean): Promise<void> {
  const config = loadConfig(env);
  const calls = rate * SECONDS;
  const start = Date.now();
  const batches: WireEvent[][] = mix.invocations(calls, start).map((item) => toWireEvents([item], config, start));
  const events = batches.reduce((sum, b) => sum + b.length, 0);
  const r2 = { classA: 0, classB: 0 };
  const { stub, observed } = await observedCollector(r2, basin);
  const before = await totalChanges(stub);

  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const began = performance.now();
  // Calls leave in ticks of TICK_MS (every call due by then), not on a timer each: fewer wake-ups
  // for the sending side, which shares the runtime with the collector.
  for (let i = 0; i < calls; ) {
    const ahead = began + (i * 1000) / rate - performance.now();
    if (ahead > 0) await sleep(Math.max(ahead, TICK_MS));
    const now = performance.now();
    for (; i < calls && began + (i * 1000) / rate <= now; i++) {
      const sent = now;
      pending.push(
        stub.ingest({ events: batches[i]! }).then(() => {
          latencies.push(performance.now() - sent);
        }),
      );
    }
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - began) / 1000;
  // Delivery to Basin runs after each flush, in the background: wait for what the run started.
  if (basin) await runInDurableObject(stub, (instance: TailCollector) => instance.basin.settled());
  const rowsWritten = (await totalChanges(stub)) - before;
  latencies.sort((a, b) => a - b);
  report(name, {
    mix: mix.name,
    rate,
    basin: basin ? 1 : 0,
    achievedRate: calls / elapsed,
    events,
    calls,
    eventsPerInvocation: events / calls,
    rowsWrittenPerEvent: rowsWritten / events,
    bookkeepingRowsPerEvent: (rowsWritten - observed.bufferRows) / events,
    requestsPerEvent: (calls + observed.alarms) / events,
    alarms: observed.alarms,
    callsPerGroup: calls / observed.groups,
    ackP50Ms: percentile(latencies, 0.5),
    ackP99Ms: percentile(latencies, 0.99),
    r2ClassAPerMillionEvents: (r2.classA / events) * 1e6,
    r2ClassBPerMillionEvents: (r2.classB / events) * 1e6,
    basinSendsPerMillionEvents: (observed.sends / events) * 1e6,
    basinRecordsPerEvent: observed.records / events,
    basinBytesPerEvent: observed.records === 0 ? 0 : observed.recordBytes / observed.records,
  });
}

/**
 * Ingest calls arriving at a steady rate into one shard (open loop: each call starts on time
 * whether or not earlier ones were answered), for both event mixes: SQLite rows written per event
 * (every change SQLite counts, setAlarm included: the alarm is a row of the object's SQLite),
 * Durable Object requests per event (ingest calls and alarms), acknowledgement latency, R2 Class
 * A operations, and calls per group commit. Then the 10-event mix at 500 calls/s again with a Basin
 * stream bound: what delivery adds (rows, requests, R2 reads, sends, record bytes).
 */
it("collector under concurrent ingest: rows, requests, latency", { timeout: 900_000 }, async () => {
  for (const mix of MIXES) for (const rate of RATES) await runAt(`concurrency_${mix.key}_${rate}`, mix, rate, false);
  await runAt("concurrency_mix10_500_basin", MIXES[0]!, 500, true);
});
