import * as v from "valibot";
import { errorMessage } from "../../../schemas/lib/error-message";
import { type QueryParams, toAnalyticsSql } from "./sql-dialect";

/**
 * One query file run through the Analytics SQL binding, its rows checked against what the Worker
 * reads from them. The binding answers `{ data, rows, statistics }` (ClickHouse's JSON output);
 * numbers may come as strings (ClickHouse quotes 64-bit integers) and a DateTime as
 * `YYYY-MM-DD hh:mm:ss` in UTC. Rows of another shape are an error, never a wrong answer.
 */
export interface AnalyticsEngineSource {
  binding: AnalyticsSQLBinding;
  dataset: string;
}

/** What reading Analytics Engine cost, summed over an answer's queries. */
export interface AnalyticsEngineStatistics {
  queries: number;
  rowsRead: number;
  bytesRead: number;
  elapsedMs: number;
}

export const AeNumber = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, "must be a number"))], "must be a number"),
  v.transform(Number),
  v.finite(),
);

/** A DateTime as milliseconds since the epoch: `YYYY-MM-DD hh:mm:ss` (UTC), ISO 8601, or epoch seconds. */
export const AeTimestamp = v.pipe(
  v.union([v.string(), v.number()], "must be a date and time"),
  v.transform((value) => {
    if (typeof value === "number") return value * 1000;
    const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value) ? `${value.replace(" ", "T")}Z` : value;
    return Date.parse(iso);
  }),
  v.finite("must be a date and time"),
);

const Statistics = v.object({
  elapsed_ms: v.optional(AeNumber, 0),
  rows_read: v.optional(AeNumber, 0),
  bytes_read: v.optional(AeNumber, 0),
});

export async function runQuery<S extends v.GenericSchema>(
  source: AnalyticsEngineSource,
  file: { name: string; sql: string },
  params: QueryParams,
  row: S,
  statistics: AnalyticsEngineStatistics,
): Promise<v.InferOutput<S>[]> {
  const request = toAnalyticsSql(file.sql, source.dataset, params);
  let answer: unknown;
  try {
    answer = await source.binding.query(request);
  } catch (error) {
    throw new AnalyticsEngineError(file.name, error);
  }
  const parsed = v.safeParse(v.object({ data: v.array(row), statistics: v.optional(Statistics, {}) }), answer);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join(".") ?? "(answer)";
    throw new AnalyticsEngineError(file.name, `answered an unexpected shape at ${path}: ${issue.message}`);
  }
  statistics.queries++;
  statistics.rowsRead += parsed.output.statistics.rows_read;
  statistics.bytesRead += parsed.output.statistics.bytes_read;
  statistics.elapsedMs += parsed.output.statistics.elapsed_ms;
  return parsed.output.data;
}

/** A query that failed or answered nonsense; its message names the query file. */
export class AnalyticsEngineError extends Error {
  override name = "AnalyticsEngineError";
  constructor(query: string, cause: unknown) {
    super(`${query}: ${typeof cause === "string" ? cause : describe(cause)}`);
  }
}

/** The binding's errors carry `retryable` (documented); it is worth saying. */
function describe(error: unknown): string {
  const message = errorMessage(error);
  const retryable = typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === true;
  return retryable ? `${message} (retryable)` : message;
}
