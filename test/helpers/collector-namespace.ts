import { env } from "cloudflare:workers";
import type { CollectorRpc, IngestBatch, IngestResult } from "../../schemas/collector-rpc";
import type { Env } from "../../schemas/config/env";

/** The real collector stub of one shard. */
export type CollectorStub = DurableObjectStub<CollectorRpc & Rpc.DurableObjectBranded>;

export interface NamespaceFaults {
  /** Runs before a call reaches the real collector; throwing makes the call fail unsent. */
  beforeIngest?: (batch: IngestBatch, call: number) => void;
  /** Runs after the real collector answered; throwing loses that answer (the events are stored). */
  afterIngest?: (result: IngestResult, call: number) => void;
  /** Shards (by index in `collector-<i>`) whose every call fails, as an unreachable object would. */
  unreachableShards?: ReadonlySet<number>;
  /** Run with the real collector just before and just after it reads a query its buffered events (an alarm flushing then). */
  beforeBufferedRead?: (shard: CollectorStub) => Promise<void>;
  afterBufferedRead?: (shard: CollectorStub) => Promise<void>;
}

export interface WrappedNamespace {
  env: Env;
  /** Every ingest call made through the wrapper, in order. */
  calls: IngestBatch[];
  /** The real collector stub behind shard `index`. */
  shard(index: number): CollectorStub;
}

/**
 * The real TailCollector namespace behind a wrapper: shard names get a prefix of the test's own,
 * so a test reads counters nobody else touches, and faults can be injected around real calls.
 */
export function wrappedNamespace(prefix: string, faults: NamespaceFaults = {}, settings: Partial<Env> = {}): WrappedNamespace {
  const namespace = env.TAIL_COLLECTOR;
  const calls: IngestBatch[] = [];
  const realId = (name: string) => namespace.idFromName(`${prefix}-${name}`);
  const shardOfName = new Map<string, number>();
  const wrapped = {
    idFromName: (name: string) => {
      const id = realId(name);
      const index = /^collector-(\d+)$/.exec(name)?.[1];
      if (index !== undefined) shardOfName.set(id.toString(), Number(index));
      return id;
    },
    get: (id: DurableObjectId) => {
      const stub = namespace.get(id);
      const index = shardOfName.get(id.toString());
      const unreachable = () => {
        if (index !== undefined && faults.unreachableShards?.has(index)) throw new Error(`shard ${index} is unreachable`);
      };
      return {
        ingest: async (batch: IngestBatch) => {
          const call = calls.push(batch);
          unreachable();
          faults.beforeIngest?.(batch, call);
          const result = await stub.ingest(batch);
          faults.afterIngest?.(result, call);
          return result;
        },
        flush: async () => {
          unreachable();
          return stub.flush();
        },
        stats: async () => {
          unreachable();
          return stub.stats();
        },
        bufferedEvents: async (maxBytes: number) => {
          unreachable();
          await faults.beforeBufferedRead?.(stub);
          const buffered = await stub.bufferedEvents(maxBytes);
          await faults.afterBufferedRead?.(stub);
          return buffered;
        },
      };
    },
  };
  return {
    env: { ...env, ...settings, TAIL_COLLECTOR: wrapped as unknown as Env["TAIL_COLLECTOR"] },
    calls,
    shard: (index) => namespace.get(realId(`collector-${index}`)),
  };
}
