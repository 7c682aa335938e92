import { partitionTime, utcHourStart } from "../../schemas/archive/partition";
import type { RollupSnapshot, RollupSnapshotRequest } from "../../schemas/collector-rpc";
import { HourRollup } from "../../schemas/rollup/hour-rollup";
import { recentlyArchived } from "../archived-hours";
import type { CollectorState } from "../collector-state";
import type { BufferTable } from "../store/buffer-table";

/**
 * The collector's answer to `rollupSnapshot`: its open hours' rollups, the keys of flushes under
 * way and, when asked, its unflushed events counted into rollups per hour, all read in one
 * synchronous step (no await), so no flush commits in between: an event is either in an open
 * hour's rollup (archived) or among the buffered ones, never both, never neither.
 */
export function rollupSnapshot(
  request: RollupSnapshotRequest,
  state: CollectorState,
  buffer: BufferTable,
  collector: string,
  now: number,
): RollupSnapshot {
  const snapshot: RollupSnapshot = {
    collector,
    at: now,
    commits: state.rollups.commitCount,
    hours: state.rollups.openHours(request.from, request.to),
    pendingKeys: Object.values(state.plans).flatMap((plan) => plan?.objects.map((o) => o.key) ?? []),
    archived: recentlyArchived(state.archivedHours, now),
  };
  if (!request.includeBuffered) return snapshot;
  const hours = new Map<number, HourRollup>();
  const firstHour = utcHourStart(request.from);
  let events = 0;
  let unreadable = 0;
  const read = buffer.unflushedSlices(state.watermarks, request.maxBufferedBytes, (slice) => {
    events += slice.events;
    let parsed: unknown[];
    try {
      parsed = JSON.parse(`[${slice.body}]`) as unknown[];
    } catch {
      unreadable += slice.events;
      return;
    }
    for (const event of parsed) {
      const timestamp = (event as { timestamp?: unknown } | null)?.timestamp;
      // Events a query cannot place in its range (no usable timestamp) are left out, as /query leaves them out.
      if (typeof timestamp !== "number" || partitionTime(timestamp, Number.NaN) !== timestamp) continue;
      const hour = utcHourStart(timestamp);
      if (hour < firstHour || hour > request.to) continue;
      let rollup = hours.get(hour);
      if (!rollup) hours.set(hour, (rollup = new HourRollup(hour, collector)));
      rollup.add(event);
    }
  });
  snapshot.buffered = {
    hours: [...hours.values()].map((r) => r.toFile()),
    events,
    bytes: read.bytes,
    truncated: read.truncated,
    ...(unreadable > 0 ? { unreadable } : {}),
  };
  return snapshot;
}
