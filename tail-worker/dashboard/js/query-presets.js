/** Example queries offered in the query box: each a JSON body for POST /query. */
export const PRESETS = [
  {
    name: "Stored events per 5 minutes by importance (from the listing)",
    query: { from: "-6h", select: "counts", bucket: "5m" },
  },
  {
    name: "p95 wall time of invocations per 15 minutes",
    query: {
      from: "-24h",
      bucket: "15m",
      where: [{ field: "kind", op: "eq", value: "invocation" }],
      aggregates: [{ fn: "count" }, { fn: "p95", field: "data.wallTime" }],
      limit: 1000,
      sample: true,
    },
  },
  {
    name: "Events by type, last hour",
    query: { from: "-1h", groupBy: ["type"], aggregates: [{ fn: "count" }], orderBy: [{ field: "count", dir: "desc" }], limit: 20 },
  },
  {
    name: "Invocation p95 wall time by outcome",
    query: {
      from: "-1h",
      where: [{ field: "kind", op: "eq", value: "invocation" }],
      groupBy: ["data.outcome"],
      aggregates: [{ fn: "count" }, { fn: "p95", field: "data.wallTime" }],
      orderBy: [{ field: "count", dir: "desc" }],
      limit: 20,
    },
  },
  {
    name: "Recent exceptions (events)",
    query: {
      from: "-24h",
      where: [{ field: "type", op: "eq", value: "exception" }],
      select: "events",
      orderBy: [{ field: "timestamp", dir: "desc" }],
      limit: 20,
    },
  },
  {
    name: "CRITICAL and HIGH by script and type",
    query: {
      from: "-24h",
      where: [{ field: "importance", op: "lte", value: 1 }],
      groupBy: ["script", "type"],
      aggregates: [{ fn: "count" }],
      orderBy: [{ field: "count", dir: "desc" }],
      limit: 20,
    },
  },
  {
    name: "p95 durationMs of named events by type",
    query: {
      from: "-1h",
      where: [{ field: "data.durationMs", op: "exists" }],
      groupBy: ["type"],
      aggregates: [{ fn: "count" }, { fn: "p95", field: "durationMs" }],
      orderBy: [{ field: "p95_durationMs", dir: "desc" }],
      limit: 20,
    },
  },
];
