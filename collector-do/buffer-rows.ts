import { partitionTime, utcHourStart } from "../schemas/archive/partition";
import type { ShedCounts, WireEvent } from "../schemas/collector-rpc";
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

/**
 * Counter deltas a row carries, so counters can be rebuilt from storage after an eviction. Events
 * per importance are the row's own columns; the rest is here.
 */
export interface RowTally {
  text: number;
  namespaces: Record<string, number>;
  /** Events whose fields failed their catalog schema, by type; absent in rows without any. */
  invalidByType?: Record<string, number>;
  /** Reported by the tail worker with a batch of this group: events it dropped by sampling, by type. */
  sampledOut?: Record<string, number>;
  /** Reported by the tail worker with a batch of this group: events it could not deliver earlier. */
  undelivered?: number;
  /** Events of this group ignored as already ingested. */
  duplicates?: number;
  /** Malformed entries of this group's batches. */
  rejected?: number;
  /** Events this group's batches shed by overflow, by reason then importance name. */
  shed?: ShedCounts;
}

export interface BufferRow {
  /** Start of the UTC hour every event of the row belongs to. */
  hour: number;
  /** Ids the row acknowledges: its events, and those of the group that overflow shed. */
  ids: string[];
  slices: Record<Importance, ImportanceSlice>;
  tally: RowTally;
}

/** SQLite rows hold at most 2 MB; leave room for ids and tally. */
export const MAX_ROW_BYTES = 1_500_000;

/**
 * Groups a commit's events into buffer rows: one per UTC hour (an archive object never spans two
 * hours), split further only when a row would pass MAX_ROW_BYTES.
 */
export function buildBufferRows(events: readonly WireEvent[], receivedAt: number): BufferRow[] {
  const rows: BufferRow[] = [];
  const open = new Map<number, { row: BufferRow; bodies: Record<Importance, string[]>; bytes: number }>();

  for (const event of events) {
    const time = partitionTime(event.timestamp, receivedAt);
    const hour = utcHourStart(time);
    const bytes = utf8ByteLength(event.json);
    let current = open.get(hour);
    if (!current || (current.bytes > 0 && current.bytes + bytes > MAX_ROW_BYTES)) {
      if (current) seal(current);
      current = { row: emptyRow(hour), bodies: { 0: [], 1: [], 2: [], 3: [] }, bytes: 0 };
      open.set(hour, current);
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
    const tally = current.row.tally;
    if (event.asText) tally.text++;
    if (event.namespace !== null) tally.namespaces[event.namespace] = (tally.namespaces[event.namespace] ?? 0) + 1;
    if (event.invalid === true) addCount((tally.invalidByType ??= {}), event.type, 1);
  }
  for (const current of open.values()) seal(current);
  return rows;
}

/** A row that holds no event: it keeps ids (of shed events) and counts durably. */
export function countsOnlyRow(hour: number): BufferRow {
  return emptyRow(hour);
}

function seal(current: { row: BufferRow; bodies: Record<Importance, string[]> }): void {
  for (const level of IMPORTANCE_LEVELS) {
    const parts = current.bodies[level];
    if (parts.length > 0) current.row.slices[level].body = parts.join(",");
  }
}

function emptyRow(hour: number): BufferRow {
  const slice = (): ImportanceSlice => ({ events: 0, bytes: 0, first: null, last: null, body: null });
  return { hour, ids: [], slices: { 0: slice(), 1: slice(), 2: slice(), 3: slice() }, tally: { text: 0, namespaces: {} } };
}
