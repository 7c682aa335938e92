import type { EventEnvelope } from "../../schemas/event-envelope";

/**
 * The arithmetic the expected figures are written in (expected-figures.ts): weights, whole
 * seconds, ClickHouse's text of times and its weighted quantile, grouping, the points Analytics
 * Engine keeps as one row, and the order rows are compared in.
 */
export type Event = EventEnvelope & { sampleRate: number };
export type Row = Record<string, string | number>;
export type Order = [column: string, direction: "asc" | "desc"][];

export interface Figures {
  rows: Row[];
  order: Order;
}

export const w = (e: Event) => e.sampleRate;
export const second = (e: Event) => Math.floor(e.timestamp / 1000) * 1000;
/** ClickHouse's text of a DateTime: `YYYY-MM-DD hh:mm:ss` in UTC. */
export const dateTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
export const text = (value: unknown) => (value === undefined || value === null ? "" : String(value));
export const num = (value: unknown) => (typeof value === "number" ? value : typeof value === "boolean" ? Number(value) : 0);
export const sum = (events: readonly Event[], of: (e: Event) => number = () => 1) => events.reduce((total, e) => total + of(e) * w(e), 0);

/**
 * ClickHouse's quantileExactWeighted (which Analytics Engine documents): the smallest value whose
 * cumulative weight reaches ceil(q × total weight).
 */
export function quantileExactWeighted(q: number, pairs: readonly { value: number; weight: number }[]): number {
  const sorted = [...pairs].sort((a, b) => a.value - b.value);
  const threshold = Math.ceil(q * sorted.reduce((total, p) => total + p.weight, 0));
  let seen = 0;
  for (const pair of sorted) {
    seen += pair.weight;
    if (seen >= threshold) return pair.value;
  }
  return sorted[sorted.length - 1]?.value ?? 0;
}

export const quantile = (q: number, events: readonly Event[], value: (e: Event) => number) =>
  quantileExactWeighted(
    q,
    events.map((e) => ({ value: value(e), weight: Math.round(w(e)) })),
  );

/** Events grouped by a key of several columns; answers [columns, events] per group. */
export function groups<K extends Row>(events: readonly Event[], key: (e: Event) => K): [K, Event[]][] {
  const found = new Map<string, [K, Event[]]>();
  for (const event of events) {
    const k = key(event);
    const id = JSON.stringify(k);
    const group = found.get(id) ?? found.set(id, [k, []]).get(id)!;
    group[1].push(event);
  }
  return [...found.values()];
}

/**
 * Points Analytics Engine keeps as one row: the same event name, data and weight in the same
 * second (the check loads identical points as one row with a larger _sample_interval). Answers
 * the first event of each, with how many there are.
 */
export function identicalPoints(events: readonly Event[]): { event: Event; copies: number }[] {
  const found = new Map<string, { event: Event; copies: number }>();
  for (const event of events) {
    const id = JSON.stringify([second(event), event.type, event.data, event.sampleRate]);
    const point = found.get(id);
    if (point) point.copies++;
    else found.set(id, { event, copies: 1 });
  }
  return [...found.values()];
}

export const distinctPoints = (events: readonly Event[]): Event[] => identicalPoints(events).map((p) => p.event);

/** Sorted by `order`, then cut to `limit`, refusing a cut inside rows that tie (the answer would be arbitrary). */
export function ordered(rows: Row[], order: Order, limit?: number): Row[] {
  const sorted = [...rows].sort((a, b) => compareBy(order, a, b));
  if (limit === undefined || sorted.length <= limit) return sorted;
  if (compareBy(order, sorted[limit - 1]!, sorted[limit]!) === 0) throw new Error(`rows tie at the LIMIT ${limit} cut`);
  return sorted.slice(0, limit);
}

export function compareBy(order: Order, a: Row, b: Row): number {
  for (const [column, direction] of order) {
    const x = a[column]!;
    const y = b[column]!;
    const c =
      typeof x === "number" && typeof y === "number"
        ? Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x))
          ? 0
          : x - y
        : String(x) < String(y)
          ? -1
          : String(x) > String(y)
            ? 1
            : 0;
    if (c !== 0) return direction === "asc" ? c : -c;
  }
  return 0;
}
