/**
 * The /query bodies behind the dashboard's panels (contract: POST /query). `from` is an absolute
 * time in ms so that every panel of one refresh covers the same window.
 */
export function eventsOverTime(from) {
  // No time buckets in the query language: group by the event time and bucket here; newest first,
  // so that a truncated answer loses the oldest part of the chart.
  return {
    from,
    groupBy: ["timestamp", "importance"],
    aggregates: [{ fn: "count" }],
    orderBy: [{ field: "timestamp", dir: "desc" }],
    limit: 10_000,
  };
}

/** Counts by type and script: one scan serves both top lists. */
export function countsByTypeAndScript(from) {
  return { from, groupBy: ["type", "script"], aggregates: [{ fn: "count" }], orderBy: [{ field: "count", dir: "desc" }], limit: 10_000 };
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
  };
}

/** CRITICAL and HIGH events, newest first; the panel keeps the ones that are errors. */
export function recentProblems(from, limit = 60) {
  return {
    from,
    where: [{ field: "importance", op: "lte", value: 1 }],
    select: "events",
    orderBy: [{ field: "timestamp", dir: "desc" }],
    limit,
  };
}

/** Events whose data has an `error` field: wide events record what a failed request threw there. */
export function eventsWithErrorField(from, limit = 60) {
  return { from, where: [{ field: "data.error", op: "exists" }], select: "events", orderBy: [{ field: "timestamp", dir: "desc" }], limit };
}
