/** The last millisecond of the year 9999: later dates print as `+010000-…`, which no key can hold. */
export const MAX_DATE_MS = 253_402_300_799_999;

export const HOUR_MS = 3_600_000;

/** Whether a time can name its partition: from 1970 to the year 9999. */
export function isPartitionable(timestamp: number): boolean {
  return Number.isFinite(timestamp) && timestamp >= 0 && timestamp <= MAX_DATE_MS;
}

/** A timestamp that can be partitioned: the event's own when sane, else when it was received. */
export function partitionTime(timestamp: number, receivedAt: number): number {
  return isPartitionable(timestamp) ? timestamp : receivedAt;
}

/** `YYYY-MM-DD` in UTC. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The start of the UTC hour holding `ms`. An archive object holds events of one UTC hour only
 * (its key's date and `HH` are that hour's), so a reader seeking a time range lists, per
 * importance, the hours the range touches and nothing before.
 */
export function utcHourStart(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}
