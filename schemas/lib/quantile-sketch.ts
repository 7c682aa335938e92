/**
 * Weighted quantiles in bounded memory, shared by the query engine (percentile aggregates) and the
 * collectors' rollups (invocation timings; schemas/rollup/). Up to EXACT_VALUES values are kept as
 * they are and the answer is exact: weighted nearest rank, the smallest value whose cumulative
 * weight reaches q × the total weight. Past that the values move into a DDSketch (Masson et al.,
 * VLDB 2019): logarithmic bins of ratio γ = (1 + α) / (1 − α), each answering 2γ^k / (γ + 1), so
 * the value answered is within α = 1% of the nearest-rank value (relative error), whatever the
 * weights (fractional ones included). A DDSketch is mergeable: the bins of two sketches add up to
 * the sketch of both value sets, which is what lets rollups of different hours and shards answer
 * one percentile. Bins are dense per sign, at most MAX_BINS of them; past that the lowest bins of a
 * sign are folded together (only quantiles inside the folded range lose their guarantee: more than
 * 2,048 bins means values spread over 18 orders of magnitude). Memory: at most 1,000 pairs (16 KB)
 * or 2 × 2,048 bins (32 KB) per accumulator.
 *
 * Written here rather than taken from npm: @datadog/sketches-js (the kept DDSketch library) does
 * not bundle for Workers (its serialiser requires protobufjs, which it does not depend on) and its
 * merge drops negative values.
 */
export const RELATIVE_ACCURACY = 0.01;
export const EXACT_VALUES = 1000;
const MAX_BINS = 2048;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Magnitudes below this count as zero (a relative bin of 1e-300 is meaningless). */
const MIN_MAGNITUDE = 1e-300;

/** Told how many bytes a sketch grows by, so a query can bound what it holds (tail-worker/query/state-meter.ts). */
export interface SketchMeter {
  grow(bytes: number): void;
}

const UNMETERED: SketchMeter = { grow() {} };

/**
 * A DDSketch as JSON: the weight of zeros, the least and greatest value, and the bins of each sign
 * as `[lowest key, weight of that key, weight of the next, …]`.
 */
export interface SketchJson {
  zero: number;
  min: number;
  max: number;
  positive?: number[];
  negative?: number[];
}

class DenseBins {
  private counts = new Float64Array(0);
  private offset = 0;

  constructor(private readonly meter: SketchMeter) {}

  add(key: number, weight: number): void {
    if (this.counts.length === 0) {
      this.grow(key, key);
    } else if (key < this.offset) {
      if (this.offset + this.counts.length - key > MAX_BINS) key = this.offset;
      else this.grow(key, this.offset + this.counts.length - 1);
    } else if (key >= this.offset + this.counts.length) {
      this.grow(this.offset, key);
    }
    this.counts[key - this.offset]! += weight;
  }

  /** Keys from `low` to `high` fit; past MAX_BINS the lowest are folded into the lowest kept. */
  private grow(low: number, high: number): void {
    if (high - low + 1 > MAX_BINS) {
      const keptLow = high - MAX_BINS + 1;
      const counts = new Float64Array(MAX_BINS);
      for (let i = 0; i < this.counts.length; i++) counts[Math.max(0, this.offset + i - keptLow)]! += this.counts[i]!;
      this.meter.grow((MAX_BINS - this.counts.length) * 8);
      this.counts = counts;
      this.offset = keptLow;
      return;
    }
    const size = Math.min(MAX_BINS, Math.max(high - low + 1, this.counts.length * 2, 16));
    const start = this.counts.length === 0 ? low : Math.max(Math.min(low, this.offset), high - size + 1);
    const counts = new Float64Array(size);
    counts.set(this.counts, this.counts.length === 0 ? 0 : this.offset - start);
    this.meter.grow((size - this.counts.length) * 8);
    this.counts = counts;
    this.offset = start;
  }

  /** Bins from the lowest key up. */
  *ascending(): Generator<[number, number]> {
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i]! > 0) yield [this.offset + i, this.counts[i]!];
  }

  *descending(): Generator<[number, number]> {
    for (let i = this.counts.length - 1; i >= 0; i--) if (this.counts[i]! > 0) yield [this.offset + i, this.counts[i]!];
  }

  /** `[lowest key, weights…]` from the lowest to the highest bin that holds weight; undefined when empty. */
  toJSON(): number[] | undefined {
    let low = 0;
    while (low < this.counts.length && this.counts[low] === 0) low++;
    if (low === this.counts.length) return undefined;
    let high = this.counts.length - 1;
    while (this.counts[high] === 0) high--;
    return [this.offset + low, ...this.counts.subarray(low, high + 1)];
  }

  addJSON(bins: readonly number[]): void {
    const [low, ...weights] = bins;
    weights.forEach((weight, i) => {
      if (weight > 0) this.add(low! + i, weight);
    });
  }
}

/**
 * The DDSketch itself: every value in a bin, mergeable and serialisable (SketchJson). Answers are
 * within RELATIVE_ACCURACY of the weighted nearest-rank value.
 */
export class DDSketch {
  private positive: DenseBins | undefined;
  private negative: DenseBins | undefined;
  private zero = 0;
  total = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  constructor(private readonly meter: SketchMeter = UNMETERED) {}

  static fromJSON(json: SketchJson, meter?: SketchMeter): DDSketch {
    const sketch = new DDSketch(meter);
    sketch.merge(json);
    return sketch;
  }

  add(value: number, weight: number): void {
    if (!(weight > 0) || !Number.isFinite(value)) return;
    this.total += weight;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    const magnitude = Math.abs(value);
    if (magnitude < MIN_MAGNITUDE) {
      this.zero += weight;
      return;
    }
    const key = Math.ceil(Math.log(magnitude) / LOG_GAMMA);
    if (value > 0) (this.positive ??= new DenseBins(this.meter)).add(key, weight);
    else (this.negative ??= new DenseBins(this.meter)).add(key, weight);
  }

  /** Adds another sketch's bins: the result is the sketch of both sets of values. */
  merge(other: DDSketch | SketchJson): void {
    const json = other instanceof DDSketch ? other.toJSON() : other;
    if (json === undefined) return;
    const weigh = (bins: readonly number[] | undefined) => (bins ?? []).slice(1).reduce((s, w) => s + w, 0);
    const added = json.zero + weigh(json.positive) + weigh(json.negative);
    if (!(added > 0)) return;
    this.total += added;
    this.zero += json.zero;
    this.min = Math.min(this.min, json.min);
    this.max = Math.max(this.max, json.max);
    if (json.positive) (this.positive ??= new DenseBins(this.meter)).addJSON(json.positive);
    if (json.negative) (this.negative ??= new DenseBins(this.meter)).addJSON(json.negative);
  }

  /** The weighted nearest-rank q-quantile within RELATIVE_ACCURACY, or null without values. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    // A small tolerance so that q × total computed in floating point does not miss an exact rank.
    const target = q * this.total * (1 - 1e-12);
    let cumulative = 0;
    for (const [key, count] of this.negative?.descending() ?? []) {
      cumulative += count;
      if (cumulative >= target) return this.clamp(-binValue(key));
    }
    cumulative += this.zero;
    if (cumulative >= target) return this.clamp(0);
    for (const [key, count] of this.positive?.ascending() ?? []) {
      cumulative += count;
      if (cumulative >= target) return this.clamp(binValue(key));
    }
    return this.max;
  }

  /** Undefined for a sketch without values. */
  toJSON(): SketchJson | undefined {
    if (this.total === 0) return undefined;
    const positive = this.positive?.toJSON();
    const negative = this.negative?.toJSON();
    return { zero: this.zero, min: this.min, max: this.max, ...(positive ? { positive } : {}), ...(negative ? { negative } : {}) };
  }

  private clamp(value: number): number {
    return Math.min(this.max, Math.max(this.min, value));
  }
}

/** Exact up to EXACT_VALUES values, then a DDSketch (see above): the percentile aggregates of /query. */
export class QuantileSketch {
  private values: number[] | undefined = [];
  private weights: number[] = [];
  private sketch: DDSketch | undefined;

  constructor(private readonly meter: SketchMeter = UNMETERED) {}

  /** Whether answers are still exact (at most EXACT_VALUES values so far). */
  get exact(): boolean {
    return this.values !== undefined;
  }

  add(value: number, weight: number): void {
    if (!(weight > 0) || !Number.isFinite(value)) return;
    if (this.values) {
      if (this.values.length < EXACT_VALUES) {
        this.values.push(value);
        this.weights.push(weight);
        this.meter.grow(16);
        return;
      }
      const [values, weights] = [this.values, this.weights];
      this.values = undefined;
      this.weights = [];
      this.meter.grow(-16 * values.length);
      this.sketch = new DDSketch(this.meter);
      for (let i = 0; i < values.length; i++) this.sketch.add(values[i]!, weights[i]!);
    }
    this.sketch!.add(value, weight);
  }

  /** The weighted nearest-rank q-quantile (exact, or within RELATIVE_ACCURACY), or null without values. */
  quantile(q: number): number | null {
    if (!this.values) return this.sketch!.quantile(q);
    let total = 0;
    for (const w of this.weights) total += w;
    if (total === 0) return null;
    return exactQuantile(this.values, this.weights, q * total * (1 - 1e-12));
  }
}

function binValue(key: number): number {
  return (2 * GAMMA ** key) / (GAMMA + 1);
}

function exactQuantile(values: readonly number[], weights: readonly number[], target: number): number {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  let cumulative = 0;
  for (const i of order) {
    cumulative += weights[i]!;
    if (cumulative >= target) return values[i]!;
  }
  return values[order[order.length - 1]!]!;
}
