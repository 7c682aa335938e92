import { fieldPath } from "../../schemas/filter/field-path";
import { type EventSink, type Row, type RowSet, rowComparator } from "./grouping";
import type { OrderSpec } from "./query-schema";

/** Most bytes of event JSON a `select: "events"` answer holds: past it the answer keeps the first events that fit. */
export const MAX_KEPT_EVENT_BYTES = 8 * 1024 * 1024;

/**
 * Keeps the first `limit` matching events in `orderBy` order (default: newest first, ties by id),
 * at most MAX_KEPT_EVENT_BYTES of them: it holds at most twice the limit and twice the bytes
 * between trims, whatever the number of events read.
 */
export class EventsCollector implements EventSink {
  private kept: { event: unknown; bytes: number }[] = [];
  private keptBytes = 0;
  private seen = 0;
  private cutByBytes = false;
  private readonly compare: (a: { event: unknown }, b: { event: unknown }) => number;

  constructor(
    orderBy: readonly OrderSpec[],
    private readonly limit: number,
    private readonly maxBytes = MAX_KEPT_EVENT_BYTES,
  ) {
    const order = orderBy.length > 0 ? orderBy : [{ field: "timestamp", dir: "desc" as const }];
    const byId = fieldPath("id");
    const compareEvents = rowComparator([
      ...order.map((o) => ({ read: fieldPath(o.field).read, dir: o.dir })),
      { read: byId.read, dir: "asc" as const },
    ]);
    this.compare = (a, b) => compareEvents(a.event, b.event);
  }

  add(event: unknown, _weight: number, bytes: number): void {
    this.seen++;
    this.kept.push({ event, bytes });
    this.keptBytes += bytes;
    if (this.kept.length >= this.limit * 2 + 100 || this.keptBytes > 2 * this.maxBytes) this.trim();
  }

  /** Whether an event ordered after `worst` could still be kept: false once the collector is full. */
  get full(): boolean {
    this.trim();
    return this.kept.length >= this.limit || this.cutByBytes;
  }

  /** The last kept event in order, once full. */
  get worst(): unknown {
    return this.kept[this.kept.length - 1]?.event;
  }

  rows(): RowSet & { cutByBytes: boolean } {
    this.trim();
    return {
      rows: this.kept.map((k) => k.event as Row),
      total: this.seen,
      truncated: this.seen > this.kept.length,
      cutByBytes: this.cutByBytes,
    };
  }

  private trim(): void {
    this.kept.sort(this.compare);
    if (this.kept.length > this.limit) {
      for (const dropped of this.kept.splice(this.limit)) this.keptBytes -= dropped.bytes;
    }
    while (this.keptBytes > this.maxBytes && this.kept.length > 0) {
      this.keptBytes -= this.kept.pop()!.bytes;
      this.cutByBytes = true;
    }
  }
}
