import type { FlushReport, CollectorStats as ShardStats } from "../../schemas/collector-rpc";
import type { ShardAnswer } from "../../schemas/collector-shards";

/** How one shard fared, as /stats and /flush list it under `shards`. */
export interface ShardStatus {
  shard: number;
  status: "ok" | "failed" | "unreachable";
  error?: string;
}

/**
 * The status a fan-out answers with: 200 when every shard did its part, 502 when none did, and
 * 207 (Multi-Status) when some did: the body then holds what those did, and `shards` says which
 * failed and why.
 */
export function fanOutStatus(statuses: readonly ShardStatus[]): 200 | 207 | 502 {
  const ok = statuses.filter((s) => s.status === "ok").length;
  return ok === statuses.length ? 200 : ok === 0 ? 502 : 207;
}

/**
 * One view of every shard's stats: buffered events and bytes and every counter added up; the
 * earliest pending flush and oldest buffered event; the latest flush and error.
 */
export function mergeShardStats(shards: readonly ShardStats[]) {
  const [first, ...rest] = shards;
  if (!first) throw new Error("no collector shard answered");
  let merged = structuredClone(first);
  for (const shard of rest) {
    for (const [name, view] of Object.entries(shard.buffered) as [
      keyof typeof merged.buffered,
      ShardStats["buffered"][keyof ShardStats["buffered"]],
    ][]) {
      const into = merged.buffered[name];
      into.events += view.events;
      into.bytes += view.bytes;
      into.oldestReceivedAt = earliest(into.oldestReceivedAt, view.oldestReceivedAt);
    }
    merged = {
      ...merged,
      counters: addUp(merged.counters, shard.counters) as typeof merged.counters,
      nextFlushAt: earliest(merged.nextFlushAt, shard.nextFlushAt),
      dedupeWindowIds: merged.dedupeWindowIds + shard.dedupeWindowIds,
    };
  }
  return merged;
}

/** The shards' flush reports as one; a shard that could not be reached adds its error. */
export function mergeFlushReports(answers: readonly ShardAnswer<FlushReport>[]): FlushReport & { shards: ShardStatus[] } {
  const reports = answers.flatMap((a) => (a.ok ? [a.value] : []));
  return {
    objects: reports.flatMap((r) => r.objects),
    events: reports.reduce((sum, r) => sum + r.events, 0),
    bytes: reports.reduce((sum, r) => sum + r.bytes, 0),
    errors: answers.flatMap((a) =>
      a.ok ? a.value.errors.map((error) => `shard ${a.shard}: ${error}`) : [`shard ${a.shard}: unreachable: ${a.error}`],
    ),
    shards: answers.map((a) =>
      !a.ok
        ? { shard: a.shard, status: "unreachable", error: a.error }
        : a.value.errors.length > 0
          ? { shard: a.shard, status: "failed", error: a.value.errors.join("; ") }
          : { shard: a.shard, status: "ok" },
    ),
  };
}

/** What /stats says of each shard: answered, or unreachable and why. */
export function statsStatuses(answers: readonly ShardAnswer<unknown>[]): ShardStatus[] {
  return answers.map((a) => (a.ok ? { shard: a.shard, status: "ok" } : { shard: a.shard, status: "unreachable", error: a.error }));
}

/** Numbers add up at any depth; for ISO times (strings) the later one is kept; errors and drops stay whole. */
function addUp(a: unknown, b: unknown, key?: string): unknown {
  if (key === "lastError" || key === "lastDrop") return latestError(a as { at: string } | null, b as { at: string } | null);
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (typeof a === "string" && typeof b === "string") return a > b ? a : b;
  if (a === null || a === undefined) return b;
  if (b === null || b === undefined) return a;
  if (typeof a === "object" && typeof b === "object" && !Array.isArray(a)) {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [key, value] of Object.entries(b as Record<string, unknown>)) out[key] = addUp(out[key], value, key);
    return out;
  }
  return a;
}

function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

function latestError<T extends { at: string } | null | undefined>(a: T, b: T): T {
  if (!a) return b;
  if (!b) return a;
  return a.at >= b.at ? a : b;
}
