import { formatBytes, QueryTooLargeError } from "./refusal";

/**
 * What one query may hold in memory while it aggregates: group keys, aggregate state (exact
 * values, sketch bins, distinct values) and kept events. Every structure that grows reports it
 * here; past the limit the query is refused (422) rather than the isolate running out of its
 * 128 MB.
 */
export const MAX_STATE_BYTES = 48 * 1024 * 1024;

export class StateMeter {
  bytes = 0;

  constructor(
    private readonly limit = MAX_STATE_BYTES,
    private readonly hint = "group by fewer or coarser fields, ask for fewer aggregates, or narrow the time range or the where clause",
  ) {}

  grow(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.limit)
      throw new QueryTooLargeError(
        `this query would hold more than ${formatBytes(this.limit)} of groups and aggregate state; ${this.hint}`,
        {
          maxStateBytes: this.limit,
        },
      );
  }
}
