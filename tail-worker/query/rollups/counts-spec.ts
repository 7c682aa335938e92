import { compileWhere } from "../../../schemas/filter/compile";
import type { Condition } from "../../../schemas/filter/condition";
import { canonicalPath } from "../../../schemas/filter/field-path";
import type { Importance } from "../../../schemas/importance";
import { type Dimension, MINUTE_MS, SKETCH_METRICS, type SketchMetric } from "../../../schemas/rollup/rollup-format";
import type { OrderSpec } from "../query-schema";
import type { TimeRange } from "../time-range";

/**
 * What a `select: "counts"` query asks, in the terms rollups answer (schemas/rollup/): stored and
 * weighted events per minute-aligned range, optional time bucket, importance, at most one
 * dimension (type, script, kind, or an invocation's outcome and status) and, for invocations,
 * percentiles of wall and CPU time from the rollups' sketches.
 */
export interface CountsSpec {
  /** The asked range widened to whole minutes (rollups count per minute). */
  range: TimeRange;
  bucketMs?: number;
  dimension?: Dimension;
  /** Row fields of the dimension, as the query named them; for invocations which of [outcome, status] they are. */
  dimensionFields: { name: string; part?: 0 | 1 }[];
  byImportance: boolean;
  importanceOk: (importance: Importance) => boolean;
  kindOk: (kind: unknown) => boolean;
  /** Only invocations are counted (a `kind` = "invocation" condition). */
  invocationsOnly: boolean;
  percentiles: { name: string; q: number; metric: SketchMetric }[];
  orderBy: readonly OrderSpec[];
  limit: number;
}

const DIMENSION_FIELDS: Record<string, { dimension: Dimension; part?: 0 | 1 }> = {
  type: { dimension: "type" },
  script: { dimension: "script" },
  kind: { dimension: "kind" },
  "data.outcome": { dimension: "invocation", part: 0 },
  "data.status": { dimension: "invocation", part: 1 },
};

const PERCENTILES: Record<string, number> = { p50: 0.5, p95: 0.95, p99: 0.99 };

export interface CountsInput {
  range: TimeRange;
  where: readonly Condition[];
  groupBy: readonly string[] | undefined;
  aggregates: readonly { fn: string; field?: string; as?: string }[] | undefined;
  orderBy: readonly OrderSpec[];
  bucketMs: number | undefined;
  limit: number;
}

/** Widens a range to whole minutes: from the start of its first minute to the end of its last. */
export function minuteRange(range: TimeRange): TimeRange {
  return { from: Math.floor(range.from / MINUTE_MS) * MINUTE_MS, to: Math.floor(range.to / MINUTE_MS) * MINUTE_MS + MINUTE_MS - 1 };
}

/** Checks a counts query and compiles it, or answers the message of its first problem. */
export function compileCounts(input: CountsInput): { spec: CountsSpec } | { error: string } {
  const groupBy = input.groupBy ?? ["importance"];
  let dimension: Dimension | undefined;
  const dimensionFields: CountsSpec["dimensionFields"] = [];
  let byImportance = false;
  for (const [i, name] of groupBy.entries()) {
    const path = canonicalPath(name);
    if (path === "importance") {
      byImportance = true;
      continue;
    }
    const known = DIMENSION_FIELDS[path];
    if (!known)
      return {
        error: `groupBy[${i}]: select "counts" groups by importance, type, script, kind, or an invocation's outcome and status (counted when events are archived); use select "aggregates" to group by ${name}`,
      };
    if (dimension !== undefined && dimension !== known.dimension)
      return { error: `groupBy[${i}]: select "counts" groups by one of type, script, kind or outcome/status at a time, with importance` };
    dimension = known.dimension;
    dimensionFields.push({ name, ...(known.part === undefined ? {} : { part: known.part }) });
  }

  for (const [i, condition] of input.where.entries()) {
    const path = canonicalPath(condition.field);
    if (path !== "importance" && path !== "kind")
      return {
        error: `where[${i}]: select "counts" filters on importance and kind only; use select "aggregates" to filter on ${condition.field}`,
      };
    if (path === "kind" && (dimension === "type" || dimension === "script"))
      return { error: `where[${i}]: select "counts" by ${dimension} counts every kind; leave the kind condition out` };
  }
  const importanceWhere = compileWhere(input.where.filter((c) => canonicalPath(c.field) === "importance"));
  const kindWhere = compileWhere(input.where.filter((c) => canonicalPath(c.field) === "kind"));
  const invocationsOnly = input.where.some((c) => canonicalPath(c.field) === "kind" && c.op === "eq" && c.value === "invocation");

  const percentiles: CountsSpec["percentiles"] = [];
  for (const [i, aggregate] of (input.aggregates ?? []).entries()) {
    const q = PERCENTILES[aggregate.fn];
    const metric = aggregate.field === undefined ? undefined : canonicalPath(aggregate.field).replace(/^data\./, "");
    if (q === undefined || !SKETCH_METRICS.includes(metric as SketchMetric))
      return {
        error: `aggregates[${i}]: select "counts" answers p50, p95 and p99 of data.wallTime and data.cpuTime of invocations (rows always carry events and count); use select "aggregates" for other aggregates`,
      };
    percentiles.push({ name: aggregate.as ?? `${aggregate.fn}_${metric}`, q, metric: metric as SketchMetric });
  }
  if ((dimension === "invocation" || percentiles.length > 0) && !invocationsOnly)
    return {
      error: `where: outcome, status and timing percentiles are of invocations: add {"field":"kind","op":"eq","value":"invocation"}`,
    };
  if (percentiles.length > 0 && (dimension !== undefined || input.bucketMs !== undefined))
    return {
      error:
        "aggregates: percentiles from counts are answered for the whole range, by importance at most: leave bucket and other groupBy fields out",
    };

  const names = new Set([
    ...(input.bucketMs === undefined ? [] : ["bucket"]),
    ...dimensionFields.map((f) => f.name),
    ...(byImportance ? ["importance"] : []),
    "events",
    "count",
    ...percentiles.map((p) => p.name),
  ]);
  for (const [i, order] of input.orderBy.entries())
    if (!names.has(order.field))
      return { error: `orderBy[${i}].field: "${order.field}" is not a field of the rows (${[...names].join(", ")})` };
  const orderBy: OrderSpec[] =
    input.orderBy.length > 0
      ? [...input.orderBy]
      : dimension !== undefined && input.bucketMs === undefined
        ? [{ field: "count", dir: "desc" }]
        : [
            ...(input.bucketMs === undefined ? [] : [{ field: "bucket", dir: "asc" as const }]),
            ...dimensionFields.map((f) => ({ field: f.name, dir: "asc" as const })),
            ...(byImportance ? [{ field: "importance", dir: "asc" as const }] : []),
          ];

  return {
    spec: {
      range: minuteRange(input.range),
      ...(input.bucketMs === undefined ? {} : { bucketMs: input.bucketMs }),
      ...(dimension === undefined ? {} : { dimension }),
      dimensionFields,
      byImportance,
      importanceOk: (importance) => importanceWhere({ importance }),
      kindOk: (kind) => kindWhere({ kind }),
      invocationsOnly,
      percentiles,
      orderBy,
      limit: input.limit,
    },
  };
}
