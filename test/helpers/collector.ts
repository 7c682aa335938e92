import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { TailCollector } from "../../collector-do/tail-collector";
import type { Config } from "../../schemas/config/config";
import { type BucketFaults, type FaultyBucket, faultyBucket } from "./faulty-bucket";

/**
 * A collector of its own per test, so tests share no buffer or counters. Typed as the class, not
 * only its RPC contract, so tests can reach into the instance with runInDurableObject.
 */
export function collector(name: string): DurableObjectStub<TailCollector> {
  return env.TAIL_COLLECTOR.get(env.TAIL_COLLECTOR.idFromName(name)) as unknown as DurableObjectStub<TailCollector>;
}

/** Makes the running collector instance write through a fault-injecting wrapper of R2. */
export async function injectBucketFaults(stub: DurableObjectStub<TailCollector>, faults: BucketFaults): Promise<FaultyBucket> {
  const faulty = faultyBucket(env.ARCHIVE, faults);
  await runInDurableObject(stub, (instance: TailCollector) => {
    instance.archive = faulty.bucket;
  });
  return faulty;
}

/**
 * Starts a flush, holds its first R2 write until every Durable Object is aborted (a crash after
 * the plan was recorded, before the commit), then lets the write go and waits for the flush to end.
 * Answers the wrapper, whose `attempts` name the keys the flush wrote.
 */
export async function abortMidFlush(stub: DurableObjectStub<TailCollector>): Promise<FaultyBucket> {
  let release!: () => void;
  const faulty = await injectBucketFaults(stub, { gate: new Promise((r) => (release = r)) });
  const stuck = stub.flush().catch((error: unknown) => error);
  while (faulty.attempts.length === 0) await new Promise((r) => setTimeout(r, 10));
  await abortAllDurableObjects();
  release();
  await stuck;
  return faulty;
}

/** A UTC day of its own for each test, so that its archive objects sit under their own prefix. */
export function testDay(n: number): { timestamp: number; prefix: string } {
  const timestamp = Date.UTC(2001, 0, 1, 12, 0, 0) + n * 86_400_000;
  return { timestamp, prefix: `tail-events/${new Date(timestamp).toISOString().slice(0, 10)}/` };
}

/** Changes settings of the running collector instance (its config is read once, at construction). */
export async function overrideCollectorConfig(stub: DurableObjectStub<TailCollector>, change: (config: Config) => Config): Promise<void> {
  await runInDurableObject(stub, (instance: TailCollector) => {
    const holder = instance as unknown as { config: Config };
    holder.config = change(holder.config);
  });
}

/** Rows in the collector's buffer table (events, or ids kept for the deduplication window). */
export function bufferRowCount(stub: DurableObjectStub<TailCollector>): Promise<number> {
  return runInDurableObject(stub, (_instance: TailCollector, state) =>
    Number(state.storage.sql.exec("SELECT COUNT(*) AS n FROM buffer").one().n),
  );
}
