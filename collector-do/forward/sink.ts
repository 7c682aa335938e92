import type { DataPoint } from "../../schemas/analytics/data-point";
import type { ForwardCounts } from "../../schemas/analytics/forward-counts";

/** One selected event on its way out: its data point, and its archived JSON for the endpoint. */
export interface ForwardItem {
  id: string;
  type: string;
  timestamp: number;
  point: DataPoint;
  json: string;
}

/**
 * Somewhere data points go. A sink counts what it did in its own part of `counts` and never
 * throws: forwarding must not fail or delay an ingest. An asynchronous sink answers a promise the
 * collector hands to waitUntil instead of awaiting it.
 */
export interface AnalyticsSink {
  send(items: readonly ForwardItem[], counts: ForwardCounts): void | Promise<void>;
}
