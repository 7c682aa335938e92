import type { DataPoint } from "./data-point";

/** What a mapping reads: the event's name, the producer's fields, and the producing script. */
export interface MappingInput {
  type: string;
  data: Record<string, unknown>;
  script: string | null;
  /** How many events this one stands for (tail sampling); 1 when unsampled. */
  sampleRate?: number;
}

/**
 * One column of a layout: a field of the event (`"_event"` is the event's name), or a named value
 * computed from the event (a CSV of tags, a 0/1 flag).
 */
export type Column = string | { name: string; read: (input: MappingInput) => unknown };

export interface Layout {
  blobs: readonly Column[];
  doubles: readonly Column[];
  index?: Column;
}

/** A mapping's layout by column name, as the documentation and the dashboard SQL refer to it. */
export interface LayoutDescription {
  blobs: string[];
  doubles: string[];
  index: string | null;
}

export interface EventMapping {
  event: string;
  describe: LayoutDescription;
  toDataPoint(input: MappingInput): DataPoint;
}

/**
 * Free text (console messages, error strings) is cut to this many UTF-16 units per blob, so a
 * layout of a few blobs stays far below the 16 KB blob budget; the collector still checks it.
 */
export const MAX_BLOB_CHARS = 1000;

/** Every data point's last double: how many events it stands for, as the archive's `sampleRate`. */
export const SAMPLE_RATE_COLUMN = "sampleRate";

export function defineMapping(event: string, layout: Layout): EventMapping {
  return {
    event,
    describe: {
      blobs: layout.blobs.map(columnName),
      doubles: [...layout.doubles.map(columnName), SAMPLE_RATE_COLUMN],
      index: layout.index === undefined ? null : columnName(layout.index),
    },
    toDataPoint(input) {
      const index = layout.index === undefined ? "" : asBlob(read(layout.index, input));
      return {
        blobs: layout.blobs.map((column) => asBlob(read(column, input))),
        // After the layout's own doubles, so the documented order is untouched: queries weight by it.
        doubles: [...layout.doubles.map((column) => asDouble(read(column, input))), input.sampleRate ?? 1],
        // An empty index is no index: Analytics Engine then samples the point with every unindexed one.
        indexes: index === "" ? [] : [index],
      };
    },
  };
}

function columnName(column: Column): string {
  return typeof column === "string" ? column : column.name;
}

function read(column: Column, input: MappingInput): unknown {
  if (typeof column !== "string") return column.read(input);
  return column === "_event" ? input.type : input.data[column];
}

/** Strings as they are (cut to MAX_BLOB_CHARS), numbers and booleans as text, missing as "". */
export function asBlob(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "boolean") text = String(value);
  else if (value === null || value === undefined) text = "";
  else if (Array.isArray(value)) text = value.map(asBlob).join(",");
  else text = safeJson(value);
  if (text.length <= MAX_BLOB_CHARS) return text;
  // Never end on the first half of a surrogate pair.
  const highSurrogateAtCut = /[\uD800-\uDBFF]/.test(text.charAt(MAX_BLOB_CHARS - 1));
  return text.slice(0, highSurrogateAtCut ? MAX_BLOB_CHARS - 1 : MAX_BLOB_CHARS);
}

/** Finite numbers as they are, booleans as 1/0, anything else 0. */
export function asDouble(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? value : 0;
  if (typeof value === "boolean") return value ? 1 : 0;
  return 0;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "";
  }
}
