import { HOUR_MS, utcHourStart } from "../schemas/archive/partition";
import type { ObjectSelection } from "./collector-state";
import type { RowSlice } from "./store/buffer-table";

export interface PlannedSelection extends ObjectSelection {
  /** Earliest partition time of its events: the key's date and HH-MM. */
  first: number;
}

/**
 * Divides the slices one flush takes on (in seq order, after seq `after`) into archive objects:
 * one per UTC hour of their events, and within an hour a new object before a row would take one
 * past `maxBytes` (a row is never split; rows hold at most 1.5 MB). An object's selection is its
 * hour and the seq range of its rows.
 */
export function planObjects(slices: readonly RowSlice[], after: number, maxBytes: number): PlannedSelection[] {
  const byHour = new Map<number, RowSlice[]>();
  for (const slice of slices) {
    const hour = utcHourStart(slice.first);
    const list = byHour.get(hour);
    if (list) list.push(slice);
    else byHour.set(hour, [slice]);
  }
  const objects: PlannedSelection[] = [];
  for (const hour of [...byHour.keys()].sort((a, b) => a - b)) {
    let current: PlannedSelection | undefined;
    let bytes = 0;
    for (const slice of byHour.get(hour)!) {
      // An object's size: its rows' bytes, a comma between rows, two brackets.
      if (current && bytes + 1 + slice.bytes > maxBytes) {
        objects.push(current);
        current = undefined;
      }
      if (!current) {
        current = {
          after: objects.at(-1)?.from === hour ? objects.at(-1)!.through : after,
          through: slice.seq,
          from: hour,
          to: hour + HOUR_MS,
          first: slice.first,
        };
        bytes = 2 + slice.bytes;
      } else {
        bytes += 1 + slice.bytes;
        current.through = slice.seq;
        current.first = Math.min(current.first, slice.first);
      }
    }
    if (current) objects.push(current);
  }
  return objects;
}
