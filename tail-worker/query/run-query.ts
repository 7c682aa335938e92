import type { Env } from "../../schemas/config/env";
import { Aggregator, EventsCollector, type Row } from "./grouping";
import type { CompiledQuery } from "./query-schema";
import { type Scanned, scan } from "./scan";

/** The answer of `/query`. */
export interface QueryResult {
  rows: Row[];
  scanned: Scanned;
  /** Rows were cut at the limit, or a collector buffer was too large to read whole. */
  truncated: boolean;
  /** Extensions: the resolved range, the rows before the limit, and objects that could not be read. */
  range: { from: string; to: string };
  total: number;
  bufferedTruncated?: true;
  unreadable?: { key: string; message: string }[];
}

/** Runs a compiled query: one scan feeding either an Aggregator or an EventsCollector. */
export async function runQuery(env: Env, query: CompiledQuery): Promise<QueryResult> {
  const sink =
    query.select === "events" ? new EventsCollector(query.orderBy, query.limit) : new Aggregator(query.groupBy, query.aggregates);
  const result = await scan(env, query, [sink]);
  const rows = sink instanceof EventsCollector ? sink.rows() : sink.rows(query.orderBy, query.limit);
  return {
    rows: rows.rows,
    scanned: result.scanned,
    truncated: rows.truncated || result.bufferedTruncated,
    range: { from: new Date(query.range.from).toISOString(), to: new Date(query.range.to).toISOString() },
    total: rows.total,
    ...(result.bufferedTruncated ? { bufferedTruncated: true as const } : {}),
    ...(result.unreadable.length > 0 ? { unreadable: result.unreadable } : {}),
  };
}
