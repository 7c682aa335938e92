import { aggregateName, numeric } from "./rows.js";
import { columnsOf } from "./table.js";

const AGGREGATE_NAME = /^(count|sum|avg|min|max|count_distinct|rate|p50|p95|p99)(_|$)/;

/**
 * Label and value columns for a bar chart: the query's first aggregate, labelled by its group-by
 * fields; for other rows, the first numeric column labelled by the others.
 */
export function chartColumns(rows, query) {
  const columns = columnsOf(rows);
  const first = Array.isArray(query?.aggregates) ? query.aggregates[0] : undefined;
  const named = first ? (first.as ?? aggregateName(first.fn, first.field)) : undefined;
  if (named !== undefined && columns.includes(named)) {
    const groups = Array.isArray(query.groupBy) ? query.groupBy.filter((g) => columns.includes(g)) : [];
    return { value: named, labels: groups };
  }
  const groups = new Set(Array.isArray(query?.groupBy) ? query.groupBy : []);
  const isNumeric = (c) =>
    rows.some((r) => numeric(r?.[c]) !== undefined) &&
    rows.every((r) => r?.[c] === null || r?.[c] === undefined || numeric(r[c]) !== undefined);
  const candidates = columns.filter((c) => isNumeric(c) && !groups.has(c) && c !== "timestamp" && c !== "importance");
  const value = candidates.find((c) => AGGREGATE_NAME.test(c)) ?? candidates[0];
  const labels = columns.filter(
    (c) => c !== value && !AGGREGATE_NAME.test(c) && rows.some((r) => typeof r?.[c] !== "object" || r[c] === null),
  );
  return value === undefined ? undefined : { value, labels };
}
