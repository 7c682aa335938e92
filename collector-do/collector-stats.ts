import type { BasinView, BufferedView, CollectorStats, ImportanceName } from "../schemas/collector-rpc";
import type { Config } from "../schemas/config/config";
import { IMPORTANCE_LEVELS, IMPORTANCE_NAMES, type Importance } from "../schemas/importance";
import type { Counters } from "./counters";
import { presentCounters } from "./counters";
import type { UnflushedTotals } from "./store/buffer-table";

export interface CollectorView {
  totals: Record<Importance, UnflushedTotals>;
  config: Config;
  counters: Counters;
  basin: BasinView;
  alarmAt: number | null;
  dedupeWindowIds: number;
}

/** What the collector reports on /stats: buffered events and bytes per importance, counters. */
export function describeCollector(view: CollectorView): CollectorStats {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const buffered = Object.fromEntries(
    IMPORTANCE_LEVELS.map((level) => {
      const totals = view.totals[level];
      const threshold = view.config.thresholds[level];
      return [
        IMPORTANCE_NAMES[level],
        {
          importance: level,
          events: totals.events,
          bytes: totals.bytes,
          maxEvents: threshold.events,
          maxBytes: threshold.bytes,
          capBytes: view.config.bufferCaps[level],
          oldestReceivedAt: iso(totals.oldestReceivedAt),
        },
      ];
    }),
  ) as Record<ImportanceName, BufferedView>;
  return {
    buffered,
    counters: { ...presentCounters(view.counters), basin: view.basin },
    nextFlushAt: iso(view.alarmAt),
    dedupeWindowIds: view.dedupeWindowIds,
  };
}
