import type { AnomalyPredicate, SamplingConfig } from "../../schemas/config/sampling";
import { compileWhere, type Predicate } from "../../schemas/filter/compile";
import type { Condition } from "../../schemas/filter/condition";
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
export function decideSample(
  event: ClassifiedEvent,
  sampling: SamplingConfig,
  draw: () => number,
  rate = typeRate(sampling, event.type),
): SampleDecision {
  const headRate = producerSampleRate(event.data);
  // A rate of 1 keeps the event whatever else holds: the usual case costs no further checks.
  if (rate >= 1 || event.importance <= 1 || isSlow(event, sampling) || isAnomaly(sampling.anomalies, event)) {
    return { keep: true, sampleRate: headRate };
  }
  if (rate <= 0 || draw() >= rate) return { keep: false, sampleRate: headRate };
  return { keep: true, sampleRate: headRate / rate };
}

/** The rate SAMPLING sets for events of a type: its own, or the default. */
export function typeRate(sampling: SamplingConfig, type: string): number {
  return Object.hasOwn(sampling.rates, type) ? (sampling.rates[type] as number) : sampling.defaultRate;
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

/**
 * The anomaly predicates as one filter (schemas/filter/): each predicate is a condition on
 * `data.<field>` for events of its type (a glob, `*` for all). An anomaly is something that
 * happened, so `ne` also needs the field to be there. Compiled once per configuration.
 */
const compiledAnomalies = new WeakMap<readonly AnomalyPredicate[], Predicate>();

function isAnomaly(anomalies: readonly AnomalyPredicate[], event: ClassifiedEvent): boolean {
  let predicate = compiledAnomalies.get(anomalies);
  if (!predicate) {
    const each = anomalies.map((p) => compileWhere(anomalyConditions(p)));
    predicate = (e) => each.some((matches) => matches(e));
    compiledAnomalies.set(anomalies, predicate);
  }
  return predicate(event);
}

export function anomalyConditions(predicate: AnomalyPredicate): Condition[] {
  const field = `data.${predicate.field}`;
  return [
    ...(predicate.type === "*" ? [] : [{ field: "type", op: "glob" as const, value: predicate.type }]),
    ...(predicate.op === "ne" ? [{ field, op: "exists" as const }] : []),
    { field, op: predicate.op, ...(predicate.value === undefined ? {} : { value: predicate.value }) },
  ];
}

/** A number in [0, 1) fixed by the invocation and the event's position in it. */
export function sampleDraw(fingerprint: string, position: number): number {
  return Number.parseInt(new Hash64().update(fingerprint).update(`#${position}`).hex().slice(0, 8), 16) / 2 ** 32;
}
