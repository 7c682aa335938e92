import type { Importance } from "../importance";
import type { SketchJson } from "../lib/quantile-sketch";

/**
 * Hourly rollups: what each collector archived, counted per UTC hour, written to R2 beside the
 * archive (never inside `tail-events/`, so the archive's key layout and globs over it are
 * untouched). One object per collector and hour, normally:
 *
 *   tail-rollups/YYYY-MM-DD/HH/<collector tag>-<first commit>.json
 *   tail-rollups/YYYY-MM-DD/HH/<collector tag>-<first commit>-partial.json   (not `complete`)
 *
 * The collector that archived the events writes it (collector-do/rollups/), rewriting it whole as
 * its flushes commit while the hour is open; once the hour is over and written, the object no
 * longer changes. Events that reach the collector after that (an invocation that ran for a long
 * time, a backlog) open a new segment of the hour, named by the flush commit that opened it, so a
 * stored rollup only ever changes while its collector still holds it (and a reader asking that
 * collector gets the newer copy). An hour's count is the sum of its segments. Queries read them
 * (tail-worker/query/rollups/). Both sides use this file and hour-rollup.ts, so the format has one
 * definition. A reader refuses any other `format`/`version`.
 */
export const ROLLUP_PREFIX = "tail-rollups/";
export const ROLLUP_FORMAT = "do-tail.rollup";
export const ROLLUP_VERSION = 1;

export const MINUTE_MS = 60_000;
export const MINUTES_PER_HOUR = 60;
/** Invocation-time sketches are kept per quarter hour: a minute each would be 60 sketches an hour. */
export const SKETCH_SLOT_MINUTES = 15;
export const SKETCH_SLOTS = MINUTES_PER_HOUR / SKETCH_SLOT_MINUTES;

/**
 * Most values of a dimension one rollup names; the rest are counted together in its `other`
 * series. A collector tracks up to TRACKED_PER_TOP times as many while the hour accumulates, and
 * keeps the largest (by weighted count) when it writes.
 */
export const TOP_VALUES = { type: 64, script: 64, kind: 16, invocation: 32 } as const;
export const TRACKED_PER_TOP = 4;

/** What a series counts by: the event's `type`, `script` or `kind`, or an invocation's `[data.outcome, data.status]`. */
export type Dimension = keyof typeof TOP_VALUES;
export const DIMENSIONS = Object.keys(TOP_VALUES) as Dimension[];

/** A dimension's value as rollups keep it: scalars as they are, a missing field as null. */
export type RollupValue = string | number | boolean | null;

/** Invocation timings sketched per importance and quarter hour: `data.wallTime`, `data.cpuTime`. */
export const SKETCH_METRICS = ["wallTime", "cpuTime"] as const;
export type SketchMetric = (typeof SKETCH_METRICS)[number];

export interface SeriesJson {
  dim: Dimension;
  /** The value (`[outcome, status]` for invocations); absent for the `other` series. */
  value?: RollupValue | RollupValue[];
  other?: true;
  importance: Importance;
  /** Stored events per minute of the hour (index 0 is HH:00), trailing zeros left out. */
  events: number[];
  /** The same weighted by `sampleRate`, as /query counts them; absent when equal to `events`. */
  weighted?: number[];
}

export interface SketchSeriesJson {
  metric: SketchMetric;
  importance: Importance;
  /** Quarter hour of the hour: 0 is HH:00-HH:14. */
  slot: number;
  sketch: SketchJson;
}

export interface RollupFile {
  format: typeof ROLLUP_FORMAT;
  version: typeof ROLLUP_VERSION;
  /** The writing collector's tag, as in its archive keys. */
  collector: string;
  /** Start of the UTC hour, ISO. */
  hour: string;
  /**
   * False for an hour its collector had archived into before it kept rollups (an upgrade): the
   * segment does not hold everything archived for the hour, and readers count such hours from the
   * archive listing. Known when the segment opens, so it is also in the key (`-partial`): a reader
   * decides which hours rollups cover from the listing of keys, before reading any.
   */
  complete: boolean;
  /** The collector's flush commit that opened this segment of the hour (commits count from 1). */
  firstCommit: number;
  /** The last flush commit counted here. */
  lastCommit: number;
  writtenAt?: string;
  /** Archived events that could not be placed in a minute of the hour (no usable timestamp or importance). */
  unplaced?: number;
  /** Buffer rows archived whose JSON did not parse (their objects are unreadable to every JSON reader). */
  unreadableRows?: number;
  series: SeriesJson[];
  sketches: SketchSeriesJson[];
}

/** `tail-rollups/YYYY-MM-DD/HH/<tag>-<first commit>[-partial].json`. */
export function rollupKey(hourStart: number, collector: string, firstCommit: number, complete: boolean): string {
  const iso = new Date(hourStart).toISOString();
  return `${ROLLUP_PREFIX}${iso.slice(0, 10)}/${iso.slice(11, 13)}/${collector}-${firstCommit}${complete ? "" : "-partial"}.json`;
}

/** `tail-rollups/YYYY-MM-DD/`: every rollup of one UTC day (24 hours × the collectors). */
export function rollupDayPrefix(dayStart: number): string {
  return `${ROLLUP_PREFIX}${new Date(dayStart).toISOString().slice(0, 10)}/`;
}

const KEY_PATTERN = /^tail-rollups\/(\d{4}-\d{2}-\d{2})\/(\d{2})\/([0-9a-z]+)-(\d+)(-partial)?\.json$/;

export interface RollupKey {
  key: string;
  hourStart: number;
  collector: string;
  firstCommit: number;
  complete: boolean;
}

export function parseRollupKey(key: string): RollupKey | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const hourStart = Date.parse(`${match[1]}T${match[2]}:00:00Z`);
  if (Number.isNaN(hourStart)) return undefined;
  return { key, hourStart, collector: match[3]!, firstCommit: Number(match[4]), complete: match[5] === undefined };
}

/** A rollup object's JSON as a RollupFile, or why it is not one. */
export function parseRollupFile(text: string): RollupFile | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const file = value as Partial<RollupFile> | null;
  if (file === null || typeof file !== "object") return { error: "not a JSON object" };
  if (file.format !== ROLLUP_FORMAT || file.version !== ROLLUP_VERSION)
    return { error: `format ${String(file.format)} version ${String(file.version)}, not ${ROLLUP_FORMAT} version ${ROLLUP_VERSION}` };
  if (typeof file.collector !== "string" || typeof file.hour !== "string" || Number.isNaN(Date.parse(file.hour)))
    return { error: "collector or hour missing" };
  if (!Array.isArray(file.series) || !Array.isArray(file.sketches)) return { error: "series or sketches missing" };
  return file as RollupFile;
}
