/**
 * The /query bodies behind the dashboard's panels (contract: POST /query, POST /query/batch).
 * `from` is an absolute time in ms, at a whole minute, so that every panel of one refresh covers
 * the same window. Panels that only count (events over time, top types and scripts, invocation
 * outcomes and timings) ask `select: "counts"`, answered from the collectors' hourly rollups
 * (exact, cost per hour of the window, not per event), all in one batch per refresh. Panels that
 * need event contents (recent errors) ask for `sample: true`: over a window holding more than a
 * query may read they get a bounded sample of its objects and say so.
 */

const INVOCATIONS = [{ field: "kind", op: "eq", value: "invocation" }];

/** The counts queries of one refresh, by panel, for POST /query/batch. */
export function countQueries(from, bucket) {
  return {
    timeline: eventsOverTime(from, bucket),
    types: topCounts(from, "type"),
    scripts: topCounts(from, "script"),
    outcomes: invocationOutcomes(from),
    timings: invocationTimings(from),
  };
}

/** Stored events per time bucket and importance. */
export function eventsOverTime(from, bucket) {
  return { from, select: "counts", bucket };
}

/** Events (weighted by sampleRate) per type or per script, largest first. */
export function topCounts(from, field, limit = 50) {
  return { from, select: "counts", groupBy: [field], orderBy: [{ field: "count", dir: "desc" }], limit };
}

/** Invocations by outcome and response status. */
export function invocationOutcomes(from) {
  return { from, select: "counts", where: INVOCATIONS, groupBy: ["outcome", "status"], limit: 200 };
}

/** Invocation wall and CPU time percentiles, from the rollups' sketches. */
export function invocationTimings(from) {
  return {
    from,
    select: "counts",
    where: INVOCATIONS,
    groupBy: [],
    aggregates: [
      { fn: "p50", field: "data.wallTime" },
      { fn: "p95", field: "data.wallTime" },
      { fn: "p95", field: "data.cpuTime" },
    ],
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
