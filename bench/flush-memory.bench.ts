import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { it } from "vitest";
import type { TailCollector } from "../collector-do/tail-collector";
import type { Config } from "../schemas/config/config";
import { countingBucket } from "./counting-bucket";
import { report } from "./report";

const MiB = 1024 * 1024;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Buffers `mib` of LOW events in a fresh collector whose thresholds do not fire by themselves. */
async function fullBuffer(mib: number): Promise<DurableObjectStub<TailCollector>> {
  const stub = env.TAIL_COLLECTOR.get(env.TAIL_COLLECTOR.idFromName(`bench-flush-${crypto.randomUUID()}`));
  await runInDurableObject(stub, (instance: TailCollector) => {
    const holder = instance as unknown as { config: Config };
    holder.config = { ...holder.config, thresholds: { ...holder.config.thresholds, 3: { events: 1e9, bytes: 1e12 } } };
  });
  const filler = "m".repeat(100 * 1024);
  const timestamp = Date.UTC(2031, 7, 1);
  let n = 0;
  let bytes = 0;
  while (bytes < mib * MiB) {
    const events = Array.from({ length: 60 }, () => {
      const id = `mem-${++n}`;
      const json = JSON.stringify({
        id,
        invocationId: "mem",
        type: "bulk",
        kind: "log",
        importance: 3,
        timestamp,
        script: "bench",
        namespace: null,
        data: { filler },
      });
      return { id, importance: 3 as const, timestamp, type: "bulk", kind: "log" as const, namespace: null, asText: false, json };
    });
    await stub.ingest({ events });
    bytes = (await stub.stats()).buffered.LOW.bytes;
  }
  return stub;
}

/**
 * A full LOW buffer (100 MiB), then one twice as large, flushed to R2. scripts/bench.mjs samples
 * the runtime process's resident memory between each FLUSH_START and FLUSH_END line: if the flush
 * streams, the larger one costs hardly more memory than the smaller.
 */
it("memory during 100 MB and 200 MB flushes", async () => {
  for (const mib of [100, 200]) {
    const stub = await fullBuffer(mib);
    await pause(1500);
    console.log(`FLUSH_START ${mib}`);
    const start = performance.now();
    const flushed = await stub.flush();
    const flushMs = performance.now() - start;
    console.log(`FLUSH_END ${mib}`);
    await pause(500);
    report(`flush_${mib}`, {
      archivedBytes: flushed.bytes,
      objects: flushed.objects.length,
      parts: flushed.objects.reduce((sum, o) => sum + o.parts, 0),
      largestObject: Math.max(...flushed.objects.map((o) => o.bytes)),
      flushMs,
    });
  }
});

/**
 * What bounding an object's size costs: the same 64 MiB LOW buffer flushed with objects of at
 * most 8, 16 and 32 MiB, counting R2 Class A operations (a PUT each up to one 8 MiB part; beyond,
 * a multipart upload: create, one per part, complete) and the flush time.
 */
it("R2 writes of a 64 MiB flush by object size bound", async () => {
  for (const boundMiB of [8, 16, 32]) {
    const stub = await fullBuffer(64);
    const r2 = { classA: 0 };
    await runInDurableObject(stub, (instance: TailCollector) => {
      instance.archive = countingBucket(env.ARCHIVE, r2);
      (instance as unknown as { flusher: { maxObjectBytes: number } }).flusher.maxObjectBytes = boundMiB * MiB;
    });
    const start = performance.now();
    const flushed = await stub.flush();
    report(`object_bound_${boundMiB}`, {
      boundMiB,
      objects: flushed.objects.length,
      classA: r2.classA,
      flushMs: performance.now() - start,
    });
  }
});
