import type { ListedObject } from "../../schemas/archive/listing";
import type { EventSink, Row, RowSet } from "./grouping";
import { bucketStart } from "./time-bucket";
import type { TimeRange } from "./time-range";

/**
 * `select: "counts"`: stored events per importance (and time bucket), counted without reading
 * what the listing already says. An object whose metadata puts all its events inside the range
 * counts its `eventCount`; when it spans buckets its events are split between them in proportion
 * to the time it spans in each (whole events, largest remainders), so totals are exact and only
 * the split across a bucket boundary is an estimate. Objects the metadata cannot settle (partly
 * outside the range, or without metadata) are read, each event counted where its timestamp falls;
 * when they do not fit the budget, they are split the same way by the share of their time inside
 * the range, and the answer says how many were. Counts are of stored events: sampleRate does not
 * weigh them (a weighted count is `select: "aggregates"`).
 */
export class StoredCounts implements EventSink {
  private readonly counts = new Map<string, { bucket: number | null; importance: number; events: number }>();

  constructor(
    private readonly range: TimeRange,
    private readonly bucketMs: number | undefined,
  ) {}

  add(event: unknown): void {
    const { timestamp, importance } = event as { timestamp: number; importance?: unknown };
    if (typeof importance === "number") this.bump(this.bucketOf(timestamp), importance, 1);
  }

  /** Counts the object from its metadata when they settle it; false when it must be read. */
  fromMetadata = (object: ListedObject): boolean => {
    const { eventCount, firstEventAt, lastEventAt } = object;
    if (eventCount === undefined || firstEventAt === undefined || lastEventAt === undefined) return false;
    if (firstEventAt < this.range.from || lastEventAt > this.range.to) return false;
    this.spread(object.importance, eventCount, firstEventAt, lastEventAt);
    return true;
  };

  /** An object that could not be read: its share of events inside the range, by time. */
  estimate = (object: ListedObject): void => {
    const first = object.firstEventAt ?? object.keyMinute;
    const last = object.lastEventAt ?? first;
    const events = object.eventCount ?? 0;
    const from = Math.max(first, this.range.from);
    const to = Math.min(last, this.range.to);
    if (to < from || events === 0) return;
    const inside = last === first ? events : Math.round((events * (to - from)) / (last - first));
    this.spread(object.importance, inside, from, to);
  };

  rows(): RowSet {
    const rows: Row[] = [...this.counts.values()]
      .filter((c) => c.events > 0)
      .sort((a, b) => (a.bucket ?? 0) - (b.bucket ?? 0) || a.importance - b.importance)
      .map((c) => (this.bucketMs === undefined ? { importance: c.importance, events: c.events } : c));
    return { rows, total: rows.length, truncated: false };
  }

  private bucketOf(timestamp: number): number | null {
    return this.bucketMs === undefined ? null : bucketStart(timestamp, this.bucketMs);
  }

  private spread(importance: number, events: number, first: number, last: number): void {
    const firstBucket = this.bucketOf(first);
    if (this.bucketMs === undefined || firstBucket === this.bucketOf(last) || last <= first) {
      this.bump(firstBucket, importance, events);
      return;
    }
    const shares: { bucket: number; exact: number }[] = [];
    for (let b = firstBucket!; b <= last; b += this.bucketMs) {
      const overlap = Math.min(b + this.bucketMs, last) - Math.max(b, first);
      shares.push({ bucket: b, exact: (events * Math.max(0, overlap)) / (last - first) });
    }
    let given = 0;
    const whole = shares.map((s) => Math.floor(s.exact));
    for (const w of whole) given += w;
    const byRemainder = shares.map((s, i) => ({ i, rest: s.exact - whole[i]! })).sort((a, b) => b.rest - a.rest);
    for (let k = 0; given < events; k++, given++) whole[byRemainder[k % byRemainder.length]!.i]!++;
    for (const [i, s] of shares.entries()) this.bump(s.bucket, importance, whole[i]!);
  }

  private bump(bucket: number | null, importance: number, events: number): void {
    const id = `${bucket}/${importance}`;
    const entry = this.counts.get(id) ?? { bucket, importance, events: 0 };
    entry.events += events;
    this.counts.set(id, entry);
  }
}
