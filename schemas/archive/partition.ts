/** The last millisecond of the year 9999: later dates print as `+010000-…`, which no key can hold. */
export const MAX_DATE_MS = 253_402_300_799_999;

/** A timestamp that can be partitioned: the event's own when sane, else when it was received. */
export function partitionTime(timestamp: number, receivedAt: number): number {
  return Number.isFinite(timestamp) && timestamp >= 0 && timestamp <= MAX_DATE_MS ? timestamp : receivedAt;
}

/** `YYYY-MM-DD` in UTC. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
