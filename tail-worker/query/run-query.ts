import type { Env } from "../../schemas/config/env";
import { EventsCollector } from "./events-collector";
import { Aggregator, type Row, type RowSet } from "./grouping";
import type { CompiledQuery } from "./query-schema";
import { type RollupSource, runCounts } from "./rollups/run-counts";
import { type Scanned, type ScanPlan, type ScanResult, scan } from "./scan";

/** The answer of `/query`. */
export interface QueryResult {
  rows: Row[];
  scanned: Scanned;
  /** Rows were cut at the limit (or at the answer's byte cap), or a collector buffer was too large to read whole. */
  truncated: boolean;
  /** Extensions: the resolved range, the rows before the limit, and objects that could not be read. */
  range: { from: string; to: string };
  total: number;
  bufferedTruncated?: true;
  /** `select: "events"`: the answer stopped at MAX_KEPT_EVENT_BYTES of events. */
  cutByBytes?: true;
  unreadable?: { key: string; message: string }[];
  /** Only part of the range's objects was read (`sample: true`); counts and sums are scaled up. */
  sampled?: ScanResult["sampled"];
  /** `select: "counts"`: objects whose events were split by time rather than read. */
  estimatedObjects?: number;
  /** The list-call budget ran out (`sample: true`): only some importance-hours were listed. */
  listing?: ScanResult["listing"];
  /** `select: "counts"`: which hours came from rollups and which from the archive listing. */
  rollups?: RollupSource;
}

/** Runs a compiled query: one scan feeding an Aggregator, an EventsCollector or StoredCounts. */
export async function runQuery(env: Env, query: CompiledQuery): Promise<QueryResult> {
  const base: ScanPlan = { range: query.range, where: query.where, includeBuffered: query.includeBuffered, sample: query.sample };
  let rows: () => RowSet & { cutByBytes?: boolean };
  let result: ScanResult;
  if (query.select === "events") {
    const collector = new EventsCollector(query.orderBy, query.limit);
    const first = query.orderBy[0];
    const dir = first === undefined ? "desc" : first.field === "timestamp" ? first.dir : undefined;
    result = await scan(env, { ...base, ...(dir ? { timeOrdered: { dir, collector } } : {}) }, [collector]);
    rows = () => collector.rows();
  } else if (query.select === "counts") {
    return (await runCounts(env, [query]))[0]!;
  } else {
    const aggregator = new Aggregator(query.groupBy, query.aggregates);
    result = await scan(env, base, [aggregator]);
    rows = () => aggregator.rows(query.orderBy, query.limit);
  }
  const answer = rows();
  return {
    rows: answer.rows,
    scanned: result.scanned,
    // Reading stopped early in time order: more events may match than `total` counts.
    truncated: answer.truncated || result.bufferedTruncated || result.stoppedEarly !== undefined,
    range: { from: new Date(query.range.from).toISOString(), to: new Date(query.range.to).toISOString() },
    total: answer.total,
    ...(result.bufferedTruncated ? { bufferedTruncated: true as const } : {}),
    ...(answer.cutByBytes ? { cutByBytes: true as const } : {}),
    ...(result.unreadable.length > 0 ? { unreadable: result.unreadable } : {}),
    ...(result.sampled ? { sampled: result.sampled } : {}),
    ...(result.estimatedObjects ? { estimatedObjects: result.estimatedObjects } : {}),
    ...(result.listing.complete ? {} : { listing: result.listing }),
  };
}
