/**
 * The /query bodies behind the dashboard's panels (contract: POST /query). `from` is an absolute
 * time in ms so that every panel of one refresh covers the same window. Panels that need event
 * contents ask for `sample: true`: over a window holding more than a query may read they get a
 * bounded sample of its objects (counts scaled) and say so; below it the answer is exact.
 */

/** Stored events per time bucket and importance, from the archive listing's metadata (nothing read). */
export function eventsOverTime(from, bucket) {
  return { from, select: "counts", bucket };
}

/** Counts by type and script: one scan serves both top lists. */
export function countsByTypeAndScript(from) {
  return {
    from,
    groupBy: ["type", "script"],
    aggregates: [{ fn: "count" }],
    orderBy: [{ field: "count", dir: "desc" }],
    limit: 10_000,
    sample: true,
  };
}

const INVOCATIONS = [{ field: "kind", op: "eq", value: "invocation" }];

export function invocationTimings(from) {
  return {
    from,
    where: INVOCATIONS,
    aggregates: [
      { fn: "count" },
      { fn: "p50", field: "data.wallTime" },
      { fn: "p95", field: "data.wallTime" },
      { fn: "p95", field: "data.cpuTime" },
    ],
    sample: true,
  };
}

export function invocationOutcomes(from) {
  return {
    from,
    where: INVOCATIONS,
    groupBy: ["data.outcome", "data.status"],
    aggregates: [{ fn: "count" }],
    orderBy: [{ field: "count", dir: "desc" }],
    limit: 200,
    sample: true,
  };
}

/** CRITICAL and HIGH events, newest first (read from the newest objects); the panel keeps the errors. */
export function recentProblems(from, limit = 60) {
  return {
    from,
    where: [{ field: "importance", op: "lte", value: 1 }],
    select: "events",
    orderBy: [{ field: "timestamp", dir: "desc" }],
    limit,
    sample: true,
  };
}

/** Events whose data has an `error` field: wide events record what a failed request threw there. */
export function eventsWithErrorField(from, limit = 60) {
  return {
    from,
    where: [{ field: "data.error", op: "exists" }],
    select: "events",
    orderBy: [{ field: "timestamp", dir: "desc" }],
    limit,
    sample: true,
  };
}
