import type { FieldPath } from "../../schemas/filter/field-path";
import { ACCUMULATOR_BYTES, type Accumulator, accumulator } from "./aggregates";
import type { AggregateSpec, OrderSpec } from "./query-schema";
import { formatBytes, MAX_GROUP_KEY_BYTES, MAX_GROUPS, QueryTooLargeError } from "./refusal";
import { StateMeter } from "./state-meter";

export type Row = Record<string, unknown>;

/** What a query answers: its rows, and whether the limit cut some off. */
export interface RowSet {
  rows: Row[];
  /** Groups (or matching events) before the limit. */
  total: number;
  truncated: boolean;
}

/**
 * A consumer of the scan: every matching event is given to it once, with the number of events it
 * stands for (its sampleRate, times the share of objects read when the scan samples) and the
 * bytes of its JSON.
 */
export interface EventSink {
  add(event: unknown, weight: number, bytes: number): void;
}

/**
 * Groups events by the groupBy fields (a missing field groups as null) and folds each group into
 * its aggregates. Without groupBy there is one group, so one row even when nothing matched.
 */
export class Aggregator implements EventSink {
  private readonly groups = new Map<string, { key: unknown[]; accumulators: Accumulator[] }>();
  private keyBytes = 0;

  constructor(
    private readonly groupBy: readonly FieldPath[],
    private readonly aggregates: readonly AggregateSpec[],
    private readonly meter = new StateMeter(),
    private readonly maxGroups = MAX_GROUPS,
  ) {
    if (groupBy.length === 0) this.group([]);
  }

  add(event: unknown, weight: number): void {
    const key = this.groupBy.map((field) => normaliseKey(field.read(event)));
    for (const acc of this.group(key).accumulators) acc.add(event, weight);
  }

  /**
   * Rows ordered by `orderBy` (default: the first aggregate, descending, then the group fields
   * ascending), at most `limit` of them.
   */
  rows(orderBy: readonly OrderSpec[], limit: number): RowSet {
    const rows: Row[] = [];
    for (const { key, accumulators } of this.groups.values()) {
      const row: Row = {};
      this.groupBy.forEach((field, i) => {
        row[field.name] = key[i];
      });
      this.aggregates.forEach((spec, i) => {
        row[spec.name] = accumulators[i]!.result();
      });
      rows.push(row);
    }
    const order: OrderSpec[] =
      orderBy.length > 0
        ? [...orderBy]
        : [
            ...this.aggregates.slice(0, 1).map((a) => ({ field: a.name, dir: "desc" as const })),
            ...this.groupBy.map((g) => ({ field: g.name, dir: "asc" as const })),
          ];
    rows.sort(rowComparator(order.map((o) => ({ read: (row: Row) => row[o.field], dir: o.dir }))));
    return { rows: rows.slice(0, limit), total: rows.length, truncated: rows.length > limit };
  }

  private group(key: unknown[]) {
    const id = JSON.stringify(key);
    let group = this.groups.get(id);
    if (!group) {
      if (this.groups.size >= this.maxGroups) {
        throw new QueryTooLargeError(
          `this query makes more than ${this.maxGroups} groups; group by fewer or coarser fields, or narrow the time range or the where clause`,
          { maxGroups: this.maxGroups },
        );
      }
      this.keyBytes += 2 * id.length;
      if (this.keyBytes > MAX_GROUP_KEY_BYTES) {
        throw new QueryTooLargeError(
          `this query's group keys take more than ${formatBytes(MAX_GROUP_KEY_BYTES)} (${this.groups.size} groups so far); group by fewer or shorter fields, or narrow the time range or the where clause`,
          { maxGroupKeyBytes: MAX_GROUP_KEY_BYTES, groups: this.groups.size },
        );
      }
      this.meter.grow(2 * id.length + 100 + this.aggregates.length * ACCUMULATOR_BYTES);
      group = { key, accumulators: this.aggregates.map((spec) => accumulator(spec, this.meter)) };
      this.groups.set(id, group);
    }
    return group;
  }
}

/** Group keys: objects and arrays group by their JSON; undefined groups with null. */
function normaliseKey(value: unknown): unknown {
  return value === undefined ? null : value;
}

/**
 * Orders by each key in turn: numbers before strings before booleans before other values; null
 * and missing values last whatever the direction.
 */
export function rowComparator<T>(keys: readonly { read: (row: T) => unknown; dir: "asc" | "desc" }[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const { read, dir } of keys) {
      const x = read(a);
      const y = read(b);
      const xMissing = x === undefined || x === null;
      const yMissing = y === undefined || y === null;
      if (xMissing || yMissing) {
        if (xMissing && yMissing) continue;
        return xMissing ? 1 : -1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return dir === "asc" ? c : -c;
    }
    return 0;
  };
}

const TYPE_RANK: Record<string, number> = { number: 0, string: 1, boolean: 2 };

function compareValues(x: unknown, y: unknown): number {
  const tx = TYPE_RANK[typeof x] ?? 3;
  const ty = TYPE_RANK[typeof y] ?? 3;
  if (tx !== ty) return tx - ty;
  if (typeof x === "number" && typeof y === "number") return x - y;
  const sx = typeof x === "string" ? x : JSON.stringify(x);
  const sy = typeof y === "string" ? y : JSON.stringify(y);
  return sx < sy ? -1 : sx > sy ? 1 : 0;
}
