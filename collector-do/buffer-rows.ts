import { partitionTime, utcDay } from "../schemas/archive/partition";
import type { WireEvent } from "../schemas/collector-rpc";
import { IMPORTANCE_LEVELS, type Importance } from "../schemas/importance";
import { addCount } from "../schemas/lib/bounded-counts";
import { utf8ByteLength } from "../schemas/lib/utf8";

/** What one importance contributes to a buffer row. */
export interface ImportanceSlice {
  events: number;
  bytes: number;
  /** Earliest and latest partition time of its events. */
  first: number | null;
  last: number | null;
  body: string | null;
}

/** Counter deltas a row carries, so counters can be rebuilt from storage after an eviction. */
export interface RowTally {
  text: number;
  namespaces: Record<string, number>;
  /** Events whose fields failed their catalog schema, by type; absent in rows without any. */
  invalidByType?: Record<string, number>;
  /** Reported by the tail worker with this batch (first row only): events it dropped by sampling, by type. */
  sampledOut?: Record<string, number>;
  /** Reported by the tail worker with this batch (first row only): events it could not deliver earlier. */
  undelivered?: number;
}

export interface BufferRow {
  day: string;
  ids: string[];
  slices: Record<Importance, ImportanceSlice>;
  tally: RowTally;
}

/** SQLite rows hold at most 2 MB; leave room for ids and tally. */
export const MAX_ROW_BYTES = 1_500_000;

/**
 * Groups an ingest call's events into buffer rows: one per UTC day (an archive object never spans
 * two dates), split further only when a row would pass MAX_ROW_BYTES.
 */
export function buildBufferRows(events: readonly WireEvent[], receivedAt: number): BufferRow[] {
  const rows: BufferRow[] = [];
  const open = new Map<string, { row: BufferRow; bodies: Record<Importance, string[]>; bytes: number }>();

  for (const event of events) {
    const time = partitionTime(event.timestamp, receivedAt);
    const day = utcDay(time);
    const bytes = utf8ByteLength(event.json);
    let current = open.get(day);
    if (!current || (current.bytes > 0 && current.bytes + bytes > MAX_ROW_BYTES)) {
      if (current) seal(current);
      current = { row: emptyRow(day), bodies: { 0: [], 1: [], 2: [], 3: [] }, bytes: 0 };
      open.set(day, current);
      rows.push(current.row);
    }
    const slice = current.row.slices[event.importance];
    slice.events++;
    slice.bytes += bytes + (slice.events > 1 ? 1 : 0);
    slice.first = slice.first === null ? time : Math.min(slice.first, time);
    slice.last = slice.last === null ? time : Math.max(slice.last, time);
    current.bodies[event.importance].push(event.json);
    current.bytes += bytes + event.id.length;
    current.row.ids.push(event.id);
    if (event.asText) current.row.tally.text++;
    if (event.namespace !== null) current.row.tally.namespaces[event.namespace] = (current.row.tally.namespaces[event.namespace] ?? 0) + 1;
    if (event.invalid === true) addCount((current.row.tally.invalidByType ??= {}), event.type, 1);
  }
  for (const current of open.values()) seal(current);
  return rows;
}

function seal(current: { row: BufferRow; bodies: Record<Importance, string[]> }): void {
  for (const level of IMPORTANCE_LEVELS) {
    const parts = current.bodies[level];
    if (parts.length > 0) current.row.slices[level].body = parts.join(",");
  }
}

function emptyRow(day: string): BufferRow {
  const slice = (): ImportanceSlice => ({ events: 0, bytes: 0, first: null, last: null, body: null });
  return { day, ids: [], slices: { 0: slice(), 1: slice(), 2: slice(), 3: slice() }, tally: { text: 0, namespaces: {} } };
}
