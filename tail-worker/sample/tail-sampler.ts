import type { AnomalyPredicate, SamplingConfig } from "../../schemas/config/sampling";
import { Hash64 } from "../../schemas/lib/hash64";
import type { ClassifiedEvent } from "../classify/classified-event";

export interface SampleDecision {
  keep: boolean;
  /** How many events a kept one stands for: the producer's own head sampling times ours. */
  sampleRate: number;
}

/**
 * Tail sampling of one complete event: CRITICAL and HIGH, slow events and anomalies are kept
 * whole; the rest are kept with their type's rate. `draw` gives a number in [0, 1) fixed by the
 * event's identity, so the same event always gets the same decision (retries stay consistent).
 */
export function decideSample(event: ClassifiedEvent, sampling: SamplingConfig, draw: () => number): SampleDecision {
  const headRate = producerSampleRate(event.data);
  const rate = Object.hasOwn(sampling.rates, event.type) ? (sampling.rates[event.type] as number) : sampling.defaultRate;
  // A rate of 1 keeps the event whatever else holds: the usual case costs no further checks.
  if (rate >= 1 || event.importance <= 1 || isSlow(event, sampling) || sampling.anomalies.some((p) => matches(p, event))) {
    return { keep: true, sampleRate: headRate };
  }
  if (rate <= 0 || draw() >= rate) return { keep: false, sampleRate: headRate };
  return { keep: true, sampleRate: headRate / rate };
}

/**
 * A producer that sampled at its head says how many requests one event stands for in `_sampleRate`
 * (underscored like `_event`: catalog events use `sampleRate` for a probability of their own).
 */
function producerSampleRate(data: Record<string, unknown>): number {
  const rate = data._sampleRate;
  return typeof rate === "number" && Number.isFinite(rate) && rate >= 1 ? rate : 1;
}

function isSlow(event: ClassifiedEvent, sampling: SamplingConfig): boolean {
  const threshold = Object.hasOwn(sampling.slowMs, event.type) ? sampling.slowMs[event.type] : sampling.slowMs["*"];
  if (threshold === undefined) return false;
  const duration = [event.data.durationMs, event.data.duration, event.kind === "invocation" ? event.data.wallTime : undefined].find(
    (d) => typeof d === "number",
  );
  return typeof duration === "number" && duration >= threshold;
}

function matches(predicate: AnomalyPredicate, event: ClassifiedEvent): boolean {
  if (predicate.type !== "*" && predicate.type !== event.type) return false;
  let value: unknown = event.data;
  for (const part of predicate.field.split(".")) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, part)) return false;
    value = (value as Record<string, unknown>)[part];
  }
  if (predicate.op === "exists") return value !== undefined && value !== null;
  const expected = predicate.value;
  switch (predicate.op) {
    case "eq":
      return value === expected;
    case "ne":
      return value !== undefined && value !== expected;
    default:
      return typeof value === "number" && typeof expected === "number" && compare(predicate.op, value, expected);
  }
}

function compare(op: "gt" | "gte" | "lt" | "lte", a: number, b: number): boolean {
  return op === "gt" ? a > b : op === "gte" ? a >= b : op === "lt" ? a < b : a <= b;
}

/** A number in [0, 1) fixed by the invocation and the event's position in it. */
export function sampleDraw(fingerprint: string, position: number): number {
  return Number.parseInt(new Hash64().update(fingerprint).update(`#${position}`).hex().slice(0, 8), 16) / 2 ** 32;
}
