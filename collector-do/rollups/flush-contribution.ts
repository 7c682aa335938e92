import { partitionTime, utcHourStart } from "../../schemas/archive/partition";
import { HourRollup } from "../../schemas/rollup/hour-rollup";

/**
 * What one flush archives, counted per UTC hour as its objects stream out of the buffer: the
 * events of each buffer row are read back from the very JSON the object is written from, so the
 * rollups count exactly what was archived. Added to the collector's rollups only when the flush
 * commits (rollup-book.ts); a flush that fails or is replayed starts over.
 */
export class FlushContribution {
  readonly hours = new Map<number, HourRollup>();

  constructor(private readonly collector: string) {}

  /** One buffer row's comma-joined events, from an object of the hour starting at `objectHour`. */
  addRow(body: string, objectHour: number): void {
    let events: unknown[];
    try {
      events = JSON.parse(`[${body}]`) as unknown[];
    } catch {
      // The object holds text no JSON reader takes: counted as such, its events unknown.
      this.rollupOf(objectHour).unreadableRows++;
      return;
    }
    for (const event of events) {
      const timestamp = (event as { timestamp?: unknown } | null)?.timestamp;
      const hour = utcHourStart(partitionTime(typeof timestamp === "number" ? timestamp : Number.NaN, objectHour));
      this.rollupOf(hour).add(event);
    }
  }

  /** Adds what another contribution counted (one importance's objects of the same flush). */
  include(other: FlushContribution): void {
    for (const [hour, rollup] of other.hours) this.rollupOf(hour).merge(rollup);
  }

  private rollupOf(hour: number): HourRollup {
    let rollup = this.hours.get(hour);
    if (!rollup) this.hours.set(hour, (rollup = new HourRollup(hour, this.collector)));
    return rollup;
  }
}

/** Passes each row body through unchanged, counting it on the way. */
export function* counted(bodies: Iterable<string>, contribution: FlushContribution, objectHour: number): Generator<string> {
  for (const body of bodies) {
    contribution.addRow(body, objectHour);
    yield body;
  }
}
