import * as v from "valibot";
import { type Condition, FieldName, GroupBySchema, WhereSchema } from "../../schemas/filter/condition";
import { type FieldPath, fieldPath, lastSegment } from "../../schemas/filter/field-path";
import { describeIssue } from "../../schemas/lib/describe-issue";
import { type CountsSpec, compileCounts } from "./rollups/counts-spec";
import { BUCKET_FIELD, BUCKETS, type BucketName, bucketField } from "./time-bucket";
import { resolveTime, type TimeInput, type TimeRange } from "./time-range";

/**
 * The body of `POST /query` (and the `q` parameter of `GET /query`), validated with valibot. Every
 * problem is answered as one message that names the bad part, e.g. `aggregates[0].fn: …`. Its
 * `where` is the filter language of schemas/filter/.
 */

/** `rate` (an extension) is the weighted share of a group's events for which the aggregate's `where` holds. */
export const AGGREGATE_FNS = ["count", "sum", "avg", "min", "max", "count_distinct", "p50", "p95", "p99", "rate"] as const;
export type AggregateFn = (typeof AGGREGATE_FNS)[number];
const FIELDLESS_FNS: ReadonlySet<AggregateFn> = new Set(["count", "rate"]);

const SELECTS = ["aggregates", "events", "counts"] as const;
const BUCKET_NAMES = Object.keys(BUCKETS) as BucketName[];

export const MAX_LIMIT = 10_000;
export const DEFAULT_LIMIT = 100;

const Time = v.union([v.string(), v.number()], 'must be an ISO string, epoch milliseconds or a relative time like "-1h"');

const AggregateSchema = v.pipe(
  v.strictObject({
    fn: v.picklist(AGGREGATE_FNS, `must be one of ${AGGREGATE_FNS.join(", ")}`),
    field: v.optional(FieldName),
    as: v.optional(
      v.pipe(v.string("must be a string"), v.minLength(1, "must not be empty"), v.maxLength(100, "must be at most 100 characters")),
    ),
    /** Extension: only the group's events for which these hold count in this aggregate (like COUNTIF). */
    where: v.optional(WhereSchema(20)),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const { fn, field, where } = dataset.value;
    const at = (key: string): [v.IssuePathItem] => [{ type: "object", origin: "value", input: dataset.value, key, value: undefined }];
    if (!FIELDLESS_FNS.has(fn) && field === undefined)
      addIssue({ message: `${fn} needs a field, e.g. {"fn":"${fn}","field":"data.durationMs"}`, path: at("field") });
    if (fn === "rate" && (where === undefined || where.length === 0))
      addIssue({ message: "rate needs where: the share of events for which it holds", path: at("where") });
  }),
);

const OrderSchema = v.strictObject({
  field: v.pipe(v.string("must be a group field or aggregate name"), v.minLength(1, "must not be empty")),
  dir: v.optional(v.picklist(["asc", "desc"], 'must be "asc" or "desc"'), "desc"),
});

export const QuerySchema = v.strictObject({
  from: v.optional(Time, "-1h"),
  to: v.optional(Time, "now"),
  where: v.optional(WhereSchema(50), []),
  groupBy: v.optional(GroupBySchema(10)),
  aggregates: v.optional(v.pipe(v.array(AggregateSchema, "must be an array of aggregates"), v.maxLength(50, "at most 50 aggregates"))),
  orderBy: v.optional(v.pipe(v.array(OrderSchema, "must be an array of {field, dir}"), v.maxLength(10, "at most 10 orderings")), []),
  limit: v.optional(
    v.pipe(
      v.number("must be a number"),
      v.integer("must be a whole number"),
      v.minValue(1, "must be at least 1"),
      v.maxValue(MAX_LIMIT, `must be at most ${MAX_LIMIT}`),
    ),
  ),
  includeBuffered: v.optional(v.boolean("must be true or false"), true),
  /**
   * `aggregates` (the default) answers groups; `events` the matching events themselves; `counts`
   * stored and weighted events per importance, bucket, type, script, kind or invocation outcome
   * from the collectors' hourly rollups (the archive listing's metadata for hours without them),
   * reading next to nothing.
   */
  select: v.optional(v.picklist(SELECTS, `must be one of ${SELECTS.join(", ")}`), "aggregates"),
  /** Groups by time: rows get `bucket`, the interval's start (epoch ms). */
  bucket: v.optional(v.picklist(BUCKET_NAMES, `must be one of ${BUCKET_NAMES.join(", ")}`)),
  /**
   * When the range holds more than a query may read: true reads a bounded sample of its objects
   * (per importance, spread over the range) and scales counts and sums; false (the default)
   * answers 422.
   */
  sample: v.optional(v.boolean("must be true or false"), false),
});

export interface AggregateSpec {
  fn: AggregateFn;
  field?: FieldPath;
  /** The row key of its value. */
  name: string;
  where: readonly Condition[];
}

export interface OrderSpec {
  field: string;
  dir: "asc" | "desc";
}

/** A valid query, with its time range resolved and its names checked. */
export interface CompiledQuery {
  range: TimeRange;
  where: readonly Condition[];
  includeBuffered: boolean;
  limit: number;
  select: "aggregates" | "events" | "counts";
  /** With a bucket, its field comes first. */
  groupBy: readonly FieldPath[];
  aggregates: readonly AggregateSpec[];
  orderBy: readonly OrderSpec[];
  bucketMs?: number;
  sample: boolean;
  /** `select: "counts"`: what the rollups are asked. */
  counts?: CountsSpec;
}

/** Validates and compiles a query, or answers the message of its first problem. */
export function compileQuery(input: unknown, now: number = Date.now()): { query: CompiledQuery } | { error: string } {
  if (input === null || typeof input !== "object" || Array.isArray(input))
    return { error: 'query: must be a JSON object such as {"from":"-1h","aggregates":[{"fn":"count"}]}' };
  const parsed = v.safeParse(QuerySchema, input);
  if (!parsed.success) return { error: describeIssue(parsed.issues[0], "query") };
  const q = parsed.output;

  const from = resolveTime(q.from as TimeInput, now);
  if (typeof from !== "number") return { error: `from: ${from.error}` };
  const to = resolveTime(q.to as TimeInput, now);
  if (typeof to !== "number") return { error: `to: ${to.error}` };
  if (from > to) return { error: `from (${new Date(from).toISOString()}) is after to (${new Date(to).toISOString()})` };

  const where = q.where as Condition[];
  const bucketMs = q.bucket === undefined ? undefined : BUCKETS[q.bucket];
  const limit = q.limit ?? (q.select === "counts" ? MAX_LIMIT : DEFAULT_LIMIT);
  const common = { range: { from, to }, where, includeBuffered: q.includeBuffered, limit, sample: q.sample, bucketMs };
  if (q.select === "events") {
    if (q.aggregates !== undefined && q.aggregates.length > 0)
      return { error: 'aggregates: a query with select "events" answers events, not aggregates; leave aggregates out' };
    if (q.groupBy !== undefined && q.groupBy.length > 0)
      return { error: 'groupBy: a query with select "events" answers events, not groups; leave groupBy out' };
    if (q.bucket !== undefined) return { error: 'bucket: a query with select "events" answers events; leave bucket out' };
    return { query: { ...common, select: "events", groupBy: [], aggregates: [], orderBy: q.orderBy } };
  }
  if (q.select === "counts") {
    const compiled = compileCounts({
      range: common.range,
      where,
      groupBy: q.groupBy,
      aggregates: q.aggregates,
      orderBy: q.orderBy,
      bucketMs,
      limit,
    });
    if ("error" in compiled) return compiled;
    const { spec } = compiled;
    return { query: { ...common, range: spec.range, select: "counts", groupBy: [], aggregates: [], orderBy: spec.orderBy, counts: spec } };
  }

  const groupBy = [...(bucketMs === undefined ? [] : [bucketField(bucketMs)]), ...(q.groupBy ?? []).map(fieldPath)];
  const aggregates: AggregateSpec[] = (q.aggregates ?? [{ fn: "count" as const }]).map((a) => ({
    fn: a.fn,
    ...(a.field === undefined ? {} : { field: fieldPath(a.field) }),
    name: a.as ?? (a.field === undefined ? a.fn : `${a.fn}_${lastSegment(a.field)}`),
    where: (a.where ?? []) as Condition[],
  }));
  if (aggregates.length === 0) return { error: "aggregates: give at least one aggregate, or leave aggregates out for a count" };
  const names = new Set<string>();
  const groupNames = groupBy.map((g) => g.name);
  for (const [i, name] of [...groupNames, ...aggregates.map((a) => a.name)].entries()) {
    if (names.has(name)) {
      const offset = bucketMs === undefined ? 0 : 1;
      const at = i < groupNames.length ? `groupBy[${i - offset}]` : `aggregates[${i - groupNames.length}]`;
      return {
        error: `${at}: the name "${name}" is used twice in a row${name === BUCKET_FIELD ? " (bucket names the time bucket)" : ""}; give the aggregate another name with "as"`,
      };
    }
    names.add(name);
  }
  for (const [i, order] of q.orderBy.entries()) {
    if (!names.has(order.field))
      return { error: `orderBy[${i}].field: "${order.field}" is neither a groupBy field nor an aggregate name (${[...names].join(", ")})` };
  }
  // A time series reads in time order unless told otherwise.
  const orderBy =
    q.orderBy.length === 0 && bucketMs !== undefined ? groupNames.map((field) => ({ field, dir: "asc" as const })) : q.orderBy;
  return { query: { ...common, select: "aggregates", groupBy, aggregates, orderBy } };
}
