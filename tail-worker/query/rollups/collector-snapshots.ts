import { flushOfKey } from "../../../schemas/archive/key";
import type { ArchivedAt, ListedObject } from "../../../schemas/archive/listing";
import type { RollupSnapshot, RollupSnapshotRequest } from "../../../schemas/collector-rpc";
import { askEveryShard, collectorShard } from "../../../schemas/collector-shards";
import { loadConfig } from "../../../schemas/config/config";
import type { Env } from "../../../schemas/config/env";
import type { RollupKey } from "../../../schemas/rollup/rollup-format";
import { archivedAtOf } from "../archived-hours";

/**
 * Every collector shard's counts as of one moment each (schemas/collector-rpc.ts RollupSnapshot),
 * and what follows from them for the stored rollups and archive objects a query reads, so that
 * every archived or buffered event is counted once:
 * - a stored rollup segment its collector still holds open is taken from the snapshot (newer);
 * - a segment opened by a commit after the snapshot holds only events the snapshot counts as buffered;
 * - an archive object of a flush under way, or planned after the snapshot, holds events the
 *   snapshot counts as buffered (or that arrived after it).
 */
export class CollectorSnapshots {
  private constructor(private readonly byCollector: ReadonlyMap<string, RollupSnapshot>) {}

  /** Asks every shard; a shard that does not answer fails the query, naming it. */
  static async take(env: Env, request: RollupSnapshotRequest): Promise<CollectorSnapshots> {
    const answers = await askEveryShard(loadConfig(env).shardCount, (shard) => collectorShard(env, shard).rollupSnapshot(request));
    const snapshots: RollupSnapshot[] = [];
    for (const answer of answers) {
      if (!answer.ok)
        throw new Error(`collector shard ${answer.shard} did not answer for its rollups and buffered events: ${answer.error}`);
      snapshots.push(answer.value);
    }
    return new CollectorSnapshots(new Map(snapshots.map((a) => [a.collector, a])));
  }

  get all(): RollupSnapshot[] {
    return [...this.byCollector.values()];
  }

  /** When the shards last archived into each importance-hour before their snapshots (listings of those hours kept from before are not used). */
  get archivedAt(): ArchivedAt {
    return archivedAtOf(this.all.map((s) => s.archived));
  }

  /** Whether a stored rollup segment is counted from R2: not superseded by the snapshot's open copy, not opened after it. */
  readsStored(segment: RollupKey): boolean {
    const snapshot = this.byCollector.get(segment.collector);
    if (!snapshot) return true;
    if (segment.firstCommit > snapshot.commits) return false;
    return !snapshot.hours.some((h) => Date.parse(h.hour) === segment.hourStart && h.firstCommit === segment.firstCommit);
  }

  /** Whether an archive object's events are counted elsewhere (buffered at the snapshot) or after it. */
  afterSnapshot(object: ListedObject): boolean {
    const flush = flushOfKey(object.key);
    const snapshot = flush === undefined ? undefined : this.byCollector.get(flush.collector);
    if (!snapshot || !flush) return false;
    return flush.plannedAt > snapshot.at || snapshot.pendingKeys.includes(object.key);
  }
}
