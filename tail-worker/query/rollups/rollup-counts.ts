import type { Importance } from "../../../schemas/importance";
import { DDSketch } from "../../../schemas/lib/quantile-sketch";
import {
  MINUTE_MS,
  MINUTES_PER_HOUR,
  type RollupFile,
  type SeriesJson,
  SKETCH_SLOT_MINUTES,
  type SketchMetric,
} from "../../../schemas/rollup/rollup-format";
import { type Row, type RowSet, rowComparator } from "../grouping";
import { MAX_GROUPS, QueryTooLargeError } from "../refusal";
import { bucketStart } from "../time-bucket";
import type { CountsSpec } from "./counts-spec";

const SLOT_MS = SKETCH_SLOT_MINUTES * MINUTE_MS;

/**
 * The rows of one counts query, added up from rollups (stored, built from buffered events, or built
 * from the objects of hours without rollups): for each series of the asked dimension (the `kind`
 * series for plain counts) whose importance and kind the query's `where` keeps, the minutes inside
 * the range, into rows keyed by bucket, dimension value and importance. Percentiles merge the
 * sketches of the quarter hours the range touches, so they cover the range widened to quarter hours.
 */
export class RollupCounts {
  private readonly rows = new Map<string, Row & { events: number; count: number }>();
  private readonly sketches = new Map<string, Map<SketchMetric, DDSketch>>();
  /** Events rollups could not place (no usable timestamp), and buffer rows whose JSON did not parse. */
  unplaced = 0;
  unreadableRows = 0;

  constructor(private readonly spec: CountsSpec) {}

  /** Adds one rollup (an hour of one collector, or of buffered or scanned events). */
  add(file: RollupFile): void {
    const { spec } = this;
    const hour = Date.parse(file.hour);
    const first = Math.max(0, Math.floor((spec.range.from - hour) / MINUTE_MS));
    const last = Math.min(MINUTES_PER_HOUR - 1, Math.floor((spec.range.to - hour) / MINUTE_MS));
    if (first > last) return;
    if (first === 0 && last === MINUTES_PER_HOUR - 1) {
      this.unplaced += file.unplaced ?? 0;
      this.unreadableRows += file.unreadableRows ?? 0;
    }
    const dimension = spec.dimension ?? "kind";
    for (const series of file.series) {
      if (series.dim !== dimension || !spec.importanceOk(series.importance)) continue;
      if (dimension === "kind" && (series.other || !spec.kindOk(series.value))) continue;
      this.addSeries(series, hour, first, last);
    }
    if (spec.percentiles.length === 0) return;
    for (const s of file.sketches) {
      const slotStart = hour + s.slot * SLOT_MS;
      if (slotStart + SLOT_MS <= spec.range.from || slotStart > spec.range.to || !spec.importanceOk(s.importance)) continue;
      const id = spec.byImportance ? String(s.importance) : "";
      let byMetric = this.sketches.get(id);
      if (!byMetric) this.sketches.set(id, (byMetric = new Map()));
      let sketch = byMetric.get(s.metric);
      if (!sketch) byMetric.set(s.metric, (sketch = new DDSketch()));
      sketch.merge(s.sketch);
    }
  }

  /** Rows of hours counted from the listing's metadata: stored events only, taken as their own weight. */
  addStored(row: { bucket?: number | null; importance: number; events: number }, timestamp: number): void {
    if (!this.spec.importanceOk(row.importance as Importance)) return;
    this.bump(timestamp, [], row.importance as Importance, row.events, row.events);
  }

  result(): RowSet {
    const { spec } = this;
    const rows: Row[] = [...this.rows.values()];
    if (spec.percentiles.length > 0) {
      const ids = new Set([...this.rows.keys(), ...this.sketches.keys()]);
      if (ids.size === 0) ids.add("");
      rows.length = 0;
      for (const id of ids) {
        const row: Row = this.rows.get(id) ?? { ...(spec.byImportance ? { importance: Number(id) } : {}), events: 0, count: 0 };
        for (const p of spec.percentiles) row[p.name] = this.sketches.get(id)?.get(p.metric)?.quantile(p.q) ?? null;
        rows.push(row);
      }
    }
    rows.sort(rowComparator(spec.orderBy.map((o) => ({ read: (row: Row) => row[o.field], dir: o.dir }))));
    return { rows: rows.slice(0, spec.limit), total: rows.length, truncated: rows.length > spec.limit };
  }

  private addSeries(series: SeriesJson, hour: number, first: number, last: number): void {
    const values = this.spec.dimensionFields.map((field) => {
      if (series.other) return null;
      return field.part === undefined ? series.value : (series.value as unknown[])[field.part];
    });
    const weighted = series.weighted ?? series.events;
    const end = Math.min(last, series.events.length - 1);
    for (let m = first; m <= end; m++) {
      const events = series.events[m]!;
      if (events === 0 && weighted[m] === 0) continue;
      this.bump(hour + m * MINUTE_MS, values, series.importance, events, weighted[m]!, series.other === true);
    }
  }

  private bump(timestamp: number, values: unknown[], importance: Importance, events: number, count: number, other = false): void {
    const { spec } = this;
    const bucket = spec.bucketMs === undefined ? undefined : bucketStart(timestamp, spec.bucketMs);
    const key = JSON.stringify([bucket ?? null, other, values, spec.byImportance ? importance : null]);
    let row = this.rows.get(spec.percentiles.length > 0 ? (spec.byImportance ? String(importance) : "") : key);
    if (!row) {
      if (this.rows.size >= MAX_GROUPS)
        throw new QueryTooLargeError(`this counts query makes more than ${MAX_GROUPS} rows; use a coarser bucket or narrow the range`, {
          maxGroups: MAX_GROUPS,
        });
      row = { events: 0, count: 0 };
      const fields: Row = {};
      if (bucket !== undefined) fields.bucket = bucket;
      spec.dimensionFields.forEach((field, i) => {
        fields[field.name] = values[i];
      });
      if (other) fields.other = true;
      if (spec.byImportance) fields.importance = importance;
      row = Object.assign(fields, row);
      this.rows.set(spec.percentiles.length > 0 ? (spec.byImportance ? String(importance) : "") : key, row);
    }
    row.events += events;
    row.count += count;
  }
}
