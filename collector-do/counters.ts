import type { ForwardCounts } from "../schemas/analytics/forward-counts";
import type { ImportanceName, ShedCounts } from "../schemas/collector-rpc";
import { IMPORTANCE_LEVELS, IMPORTANCE_NAMES, type Importance } from "../schemas/importance";
import { addCounts } from "../schemas/lib/bounded-counts";
import type { RowTally } from "./buffer-rows";
import { emptyForwardCounts } from "./forward/forward-counts";
import { addShedCounts } from "./overflow";

type PerImportance = Record<Importance, number>;

/** Running counters of the collector; persisted with every flush and rebuilt after a restart. */
export interface Counters {
  received: number;
  receivedByImportance: PerImportance;
  archived: number;
  archivedByImportance: PerImportance;
  keptAsText: number;
  byNamespace: Record<string, number>;
  /** Events archived with a validation mark, by type (at most MAX_TYPE_KEYS types). */
  invalidByType: Record<string, number>;
  /** Dropped by tail sampling, by type (at most MAX_TYPE_KEYS types). */
  sampledOut: Record<string, number>;
  /** Analytics forwarding; persisted with the state, so counts since the last save die with an eviction. */
  analytics: ForwardCounts;
  duplicates: number;
  rejected: number;
  /** Reported by tail workers: events they could not hand over after every retry. */
  undelivered: number;
  /** Events dropped by overflow, by reason then importance. */
  shed: ShedCounts;
  objectsWritten: number;
  bytesWritten: number;
  flushFailures: number;
  lastFlushAt: number | null;
  lastError: { at: number; message: string } | null;
}

export function emptyCounters(): Counters {
  return {
    received: 0,
    receivedByImportance: { 0: 0, 1: 0, 2: 0, 3: 0 },
    archived: 0,
    archivedByImportance: { 0: 0, 1: 0, 2: 0, 3: 0 },
    keptAsText: 0,
    byNamespace: {},
    invalidByType: {},
    sampledOut: {},
    analytics: emptyForwardCounts(),
    duplicates: 0,
    rejected: 0,
    undelivered: 0,
    shed: {},
    objectsWritten: 0,
    bytesWritten: 0,
    flushFailures: 0,
    lastFlushAt: null,
    lastError: null,
  };
}

export function countReceived(counters: Counters, perImportance: PerImportance, tally: RowTally): void {
  for (const level of IMPORTANCE_LEVELS) {
    counters.received += perImportance[level];
    counters.receivedByImportance[level] += perImportance[level];
  }
  counters.keptAsText += tally.text;
  for (const [ns, count] of Object.entries(tally.namespaces)) counters.byNamespace[ns] = (counters.byNamespace[ns] ?? 0) + count;
  addCounts(counters.invalidByType, tally.invalidByType);
  addCounts(counters.sampledOut, tally.sampledOut);
  counters.undelivered += tally.undelivered ?? 0;
  counters.duplicates += tally.duplicates ?? 0;
  counters.rejected += tally.rejected ?? 0;
  addShedCounts(counters.shed, tally.shed);
}

/** The counters as /stats shows them: importance keys by name, times as ISO strings. */
export function presentCounters(counters: Counters) {
  const byName = (values: PerImportance) =>
    Object.fromEntries(IMPORTANCE_LEVELS.map((l) => [IMPORTANCE_NAMES[l], values[l]])) as Record<ImportanceName, number>;
  return {
    received: counters.received,
    archived: counters.archived,
    keptAsText: counters.keptAsText,
    duplicates: counters.duplicates,
    rejected: counters.rejected,
    undelivered: counters.undelivered,
    shed: counters.shed,
    receivedByImportance: byName(counters.receivedByImportance),
    archivedByImportance: byName(counters.archivedByImportance),
    byNamespace: counters.byNamespace,
    invalidByType: counters.invalidByType,
    sampledOut: counters.sampledOut,
    analytics: {
      ...counters.analytics,
      lastError:
        counters.analytics.lastError === null
          ? null
          : { at: new Date(counters.analytics.lastError.at).toISOString(), message: counters.analytics.lastError.message },
    },
    objectsWritten: counters.objectsWritten,
    bytesWritten: counters.bytesWritten,
    flushFailures: counters.flushFailures,
    lastFlushAt: counters.lastFlushAt === null ? null : new Date(counters.lastFlushAt).toISOString(),
    lastError:
      counters.lastError === null ? null : { at: new Date(counters.lastError.at).toISOString(), message: counters.lastError.message },
  };
}
