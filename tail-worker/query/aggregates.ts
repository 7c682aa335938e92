import { compileWhere } from "../../schemas/filter/compile";
import { numericValue } from "../../schemas/lib/event-values";
import { QuantileSketch } from "../../schemas/lib/quantile-sketch";
import type { AggregateFn, AggregateSpec } from "./query-schema";
import type { StateMeter } from "./state-meter";

/**
 * One aggregate of one group. Every event counts with its weight (`sampleRate`, absent = 1) in
 * count, sum, avg, rate and the percentiles; count_distinct, min and max ignore weights.
 *
 * - `count`: the weight of the group's events (with a field: of those where it is present, not null);
 * - `sum` / `avg`: over numeric values (booleans count as 1/0, so `avg` of a boolean is a share);
 * - `p50` / `p95` / `p99`: weighted nearest rank, the smallest value whose cumulative weight
 *   reaches q × the total weight: exact (a value that occurred) up to 1,000 values per group,
 *   then from a sketch within 1% of it (quantile-sketch.ts);
 * - `rate` (extension): weight of the events matching the aggregate's `where` / weight of all;
 * - an aggregate's own `where` (extension) narrows the events it sees, like COUNTIF.
 *
 * An aggregate over no values answers 0 (count, sum, count_distinct) or null (the others).
 */
export interface Accumulator {
  add(event: unknown, weight: number): void;
  result(): number | null;
}

/** Bytes a group's accumulator holds before it sees a value (counted by the Aggregator). */
export const ACCUMULATOR_BYTES = 64;

export function accumulator(spec: AggregateSpec, meter: StateMeter): Accumulator {
  const matches = compileWhere(spec.where);
  if (spec.fn === "rate") {
    let all = 0;
    let hits = 0;
    return {
      add(event, weight) {
        all += weight;
        if (matches(event)) hits += weight;
      },
      result: () => (all === 0 ? null : hits / all),
    };
  }
  const read = spec.field ? spec.field.read : () => true;
  const inner = baseAccumulator(spec.fn, meter);
  if (spec.where.length === 0) return { add: (event, weight) => inner.add(read(event), weight), result: inner.result };
  return {
    add(event, weight) {
      if (matches(event)) inner.add(read(event), weight);
    },
    result: inner.result,
  };
}

interface ValueAccumulator {
  add(value: unknown, weight: number): void;
  result(): number | null;
}

/** The accumulator of one field's values; `rate` needs whole events and is built by accumulator(). */
function baseAccumulator(fn: Exclude<AggregateFn, "rate">, meter: StateMeter): ValueAccumulator {
  switch (fn) {
    case "count": {
      let total = 0;
      return {
        add(value, weight) {
          if (value !== undefined && value !== null) total += weight;
        },
        result: () => total,
      };
    }
    case "sum": {
      let total = 0;
      return {
        add(value, weight) {
          const n = numericValue(value);
          if (n !== undefined) total += n * weight;
        },
        result: () => total,
      };
    }
    case "avg": {
      let total = 0;
      let weights = 0;
      return {
        add(value, weight) {
          const n = numericValue(value);
          if (n === undefined) return;
          total += n * weight;
          weights += weight;
        },
        result: () => (weights === 0 ? null : total / weights),
      };
    }
    case "min":
    case "max": {
      const better = fn === "min" ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
      let best: number | null = null;
      return {
        add(value) {
          const n = numericValue(value);
          if (n !== undefined && (best === null || better(n, best))) best = n;
        },
        result: () => best,
      };
    }
    case "count_distinct": {
      const seen = new Set<string>();
      return {
        add(value) {
          if (value === undefined || value === null) return;
          const key = typeof value === "string" ? value : `\u0000${JSON.stringify(value)}`;
          if (seen.has(key)) return;
          seen.add(key);
          meter.grow(2 * key.length + 40);
        },
        result: () => seen.size,
      };
    }
    case "p50":
    case "p95":
    case "p99":
      return weightedPercentile(Number(fn.slice(1)) / 100, meter);
  }
}

function weightedPercentile(q: number, meter: StateMeter): ValueAccumulator {
  const sketch = new QuantileSketch(meter);
  return {
    add(value, weight) {
      const n = numericValue(value);
      if (n !== undefined) sketch.add(n, weight);
    },
    result: () => sketch.quantile(q),
  };
}
