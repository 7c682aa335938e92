import { weightOf } from "../event-envelope";
import { fieldPath } from "../filter/field-path";
import type { Importance } from "../importance";
import { numericValue } from "../lib/event-values";
import { DDSketch } from "../lib/quantile-sketch";
import {
  DIMENSIONS,
  type Dimension,
  MINUTE_MS,
  MINUTES_PER_HOUR,
  ROLLUP_FORMAT,
  ROLLUP_VERSION,
  type RollupFile,
  type RollupValue,
  type SeriesJson,
  SKETCH_METRICS,
  SKETCH_SLOT_MINUTES,
  type SketchMetric,
  TOP_VALUES,
  TRACKED_PER_TOP,
} from "./rollup-format";

/**
 * The events of one UTC hour, counted as the rollup format keeps them (rollup-format.ts): per
 * minute, per importance and per value of each dimension, stored and weighted, plus sketches of
 * invocation timings per quarter hour. Fields are read with the filter language's field paths and
 * weights as /query weighs them, so a rollup counts exactly what /query would: the collector feeds
 * it the events it archives, the query side the events it reads (buffered, or from objects of
 * hours without rollups), and both merge rollups of other hours and shards.
 */
const FIELDS = {
  type: fieldPath("type"),
  script: fieldPath("script"),
  kind: fieldPath("kind"),
  outcome: fieldPath("outcome"),
  status: fieldPath("status"),
  wallTime: fieldPath("wallTime"),
  cpuTime: fieldPath("cpuTime"),
};

interface Series {
  dim: Dimension;
  value?: SeriesJson["value"];
  other: boolean;
  importance: Importance;
  events: Float64Array;
  weighted: Float64Array;
}

/** Stands for the `other` series in the maps below (no value a field can hold). */
const OTHER = Symbol("other");
type ValueKey = RollupValue | typeof OTHER;

export class HourRollup {
  complete = true;
  /** The flush commits counted: the one that opened this segment of the hour, and the last (0: none). */
  firstCommit = 0;
  lastCommit = 0;
  unplaced = 0;
  unreadableRows = 0;
  /** Per dimension and importance, series by value (an invocation's by its `[outcome, status]` as JSON). */
  private readonly series = Object.fromEntries(DIMENSIONS.map((d) => [d, [new Map(), new Map(), new Map(), new Map()]])) as Record<
    Dimension,
    Map<ValueKey, Series>[]
  >;
  private readonly tracked = Object.fromEntries(DIMENSIONS.map((d) => [d, new Set()])) as Record<Dimension, Set<ValueKey>>;
  private readonly sketches = new Map<string, DDSketch>();

  constructor(
    readonly hourStart: number,
    readonly collector: string,
  ) {}

  static fromFile(file: RollupFile): HourRollup {
    const rollup = new HourRollup(Date.parse(file.hour), file.collector);
    rollup.merge(file);
    rollup.complete = file.complete;
    rollup.firstCommit = file.firstCommit;
    return rollup;
  }

  /** One event (an envelope as archived), standing for `scale` stored events (1 unless sampled). */
  add(event: unknown, scale = 1): void {
    const { timestamp, importance } = (event ?? {}) as { timestamp?: unknown; importance?: unknown };
    const minute = typeof timestamp === "number" ? Math.floor((timestamp - this.hourStart) / MINUTE_MS) : Number.NaN;
    if (!(minute >= 0 && minute < MINUTES_PER_HOUR) || !isImportance(importance)) {
      this.unplaced += scale;
      return;
    }
    const weight = weightOf(event) * scale;
    const kind = FIELDS.kind.read(event);
    this.bump(this.seriesOf("kind", rollupValue(kind), importance), minute, scale, weight);
    this.bump(this.seriesOf("type", rollupValue(FIELDS.type.read(event)), importance), minute, scale, weight);
    this.bump(this.seriesOf("script", rollupValue(FIELDS.script.read(event)), importance), minute, scale, weight);
    if (kind !== "invocation") return;
    const outcome = rollupValue(FIELDS.outcome.read(event));
    const status = rollupValue(FIELDS.status.read(event));
    const pair = outcome === undefined || status === undefined ? undefined : ([outcome, status] as RollupValue[]);
    this.bump(this.seriesOf("invocation", pair, importance), minute, scale, weight);
    const slot = Math.floor(minute / SKETCH_SLOT_MINUTES);
    for (const metric of SKETCH_METRICS) {
      const value = numericValue(FIELDS[metric].read(event));
      if (value !== undefined) this.sketchOf(metric, importance, slot).add(value, weight);
    }
  }

  /** Adds another rollup of the same hour (a flushed object's, or a stored rollup). */
  merge(other: HourRollup | RollupFile): void {
    const file = other instanceof HourRollup ? other.toFile() : other;
    this.complete &&= file.complete;
    this.lastCommit = Math.max(this.lastCommit, file.lastCommit);
    this.unplaced += file.unplaced ?? 0;
    this.unreadableRows += file.unreadableRows ?? 0;
    for (const s of file.series) {
      const target = this.seriesOf(s.dim, s.other ? undefined : (s.value ?? null), s.importance);
      s.events.forEach((n, m) => {
        target.events[m]! += n;
      });
      (s.weighted ?? s.events).forEach((n, m) => {
        target.weighted[m]! += n;
      });
    }
    for (const s of file.sketches) this.sketchOf(s.metric, s.importance, s.slot).merge(s.sketch);
  }

  /** The rollup as stored: per dimension its TOP_VALUES largest values by weighted count, the rest as `other`. */
  toFile(writtenAt?: number): RollupFile {
    const series: SeriesJson[] = [];
    for (const dim of DIMENSIONS) {
      const totals = new Map<ValueKey, number>();
      for (const byValue of this.series[dim])
        for (const [key, s] of byValue) if (key !== OTHER) totals.set(key, (totals.get(key) ?? 0) + sum(s.weighted));
      const top = new Set(
        [...totals]
          .sort((a, b) => b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : 1))
          .slice(0, TOP_VALUES[dim])
          .map(([key]) => key),
      );
      this.series[dim].forEach((byValue, importance) => {
        let other: Series | undefined;
        for (const [key, s] of byValue) {
          if (top.has(key)) {
            series.push(seriesJson(s));
            continue;
          }
          other ??= emptySeries(dim, undefined, importance as Importance);
          for (let m = 0; m < MINUTES_PER_HOUR; m++) {
            other.events[m]! += s.events[m]!;
            other.weighted[m]! += s.weighted[m]!;
          }
        }
        if (other) series.push(seriesJson(other));
      });
    }
    const sketches = [...this.sketches].flatMap(([key, sketch]) => {
      const json = sketch.toJSON();
      if (!json) return [];
      const [metric, importance, slot] = key.split("|");
      return [{ metric: metric as SketchMetric, importance: Number(importance) as Importance, slot: Number(slot), sketch: json }];
    });
    return {
      format: ROLLUP_FORMAT,
      version: ROLLUP_VERSION,
      collector: this.collector,
      hour: new Date(this.hourStart).toISOString(),
      complete: this.complete,
      firstCommit: this.firstCommit,
      lastCommit: this.lastCommit,
      ...(writtenAt === undefined ? {} : { writtenAt: new Date(writtenAt).toISOString() }),
      ...(this.unplaced > 0 ? { unplaced: this.unplaced } : {}),
      ...(this.unreadableRows > 0 ? { unreadableRows: this.unreadableRows } : {}),
      series,
      sketches,
    };
  }

  /** The state row and RPC answers carry rollups as their stored form. */
  toJSON(): RollupFile {
    return this.toFile();
  }

  private bump(series: Series, minute: number, scale: number, weight: number): void {
    series.events[minute]! += scale;
    series.weighted[minute]! += weight;
  }

  /** The series of a value (undefined: the `other` series), counting it under `other` past the tracking cap. */
  private seriesOf(dim: Dimension, value: SeriesJson["value"] | undefined, importance: Importance): Series {
    let key: ValueKey = value === undefined ? OTHER : Array.isArray(value) ? JSON.stringify(value) : value;
    const tracked = this.tracked[dim];
    if (key !== OTHER && !tracked.has(key)) {
      if (tracked.size >= TOP_VALUES[dim] * TRACKED_PER_TOP) key = OTHER;
      else tracked.add(key);
    }
    const byValue = this.series[dim][importance]!;
    let series = byValue.get(key);
    if (!series) byValue.set(key, (series = emptySeries(dim, key === OTHER ? undefined : value, importance)));
    return series;
  }

  private sketchOf(metric: SketchMetric, importance: Importance, slot: number): DDSketch {
    const key = `${metric}|${importance}|${slot}`;
    let sketch = this.sketches.get(key);
    if (!sketch) this.sketches.set(key, (sketch = new DDSketch()));
    return sketch;
  }
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function isImportance(value: unknown): value is Importance {
  return value === 0 || value === 1 || value === 2 || value === 3;
}

/** Scalars as they are, a missing field as null; objects and arrays are not values a rollup names (undefined). */
function rollupValue(value: unknown): RollupValue | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  return undefined;
}

function emptySeries(dim: Dimension, value: SeriesJson["value"] | undefined, importance: Importance): Series {
  return {
    dim,
    ...(value === undefined ? {} : { value }),
    other: value === undefined,
    importance,
    events: new Float64Array(MINUTES_PER_HOUR),
    weighted: new Float64Array(MINUTES_PER_HOUR),
  };
}

function trimmed(values: Float64Array): number[] {
  let end = values.length;
  while (end > 0 && values[end - 1] === 0) end--;
  return Array.from(values.subarray(0, end));
}

function seriesJson(s: Series): SeriesJson {
  const events = trimmed(s.events);
  const weighted = trimmed(s.weighted);
  const same = events.length === weighted.length && events.every((n, i) => n === weighted[i]);
  return {
    dim: s.dim,
    ...(s.other ? { other: true as const } : { value: s.value ?? null }),
    importance: s.importance,
    events,
    ...(same ? {} : { weighted }),
  };
}
