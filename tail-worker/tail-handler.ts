import type { WireEvent } from "../schemas/collector-rpc";
import { type Config, loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import type { Importance } from "../schemas/importance";
import { addCount } from "../schemas/lib/bounded-counts";
import { errorMessage } from "../schemas/lib/error-message";
import { wellFormed } from "../schemas/lib/well-formed-json";
import { forwardDecision } from "./analytics/forward-decision";
import type { ClassifiedEvent } from "./classify/classified-event";
import { classifyImportance } from "./classify/importance";
import { printEvent, printedImportance } from "./console-view";
import type { ParsedEvent, ParsedTraceItem } from "./parse/parsed-event";
import { parseTraceItem, unreadablePart } from "./parse/trace-item";
import { redactEvent } from "./redact/redact-event";
import { type Redactor, redactorFor } from "./redact/redact-fields";
import { chunkIntoBatches } from "./route/batches";
import { type DeliveryPolicy, deliverBatch } from "./route/deliver";
import { buildWireEvents } from "./route/envelope";
import { newInvocationId } from "./route/invocation-id";
import { recordSampledOut } from "./route/pending-report";
import { shardOf } from "./route/shard-choice";
import { decideSample, sampleDraw } from "./sample/tail-sampler";
import { isOwnInvocation, selfIdentity } from "./self-invocation";
import { type TypeFacts, typeFactsFor } from "./type-facts";
import { validateEvent } from "./validate/validate-event";

export interface TailSummary {
  traceItems: number;
  events: number;
  batches: number;
  accepted: number;
  duplicates: number;
  /** Events that could not be handed to the collector after every retry. */
  undelivered: number;
  /** TraceItems of do-tail's own invocations, skipped so that no loop forms. */
  ownInvocations: number;
  errors: string[];
}

/**
 * parse → classify → route: turns a tail invocation's TraceItems into archived events and hands
 * them to the collector in as few calls as BATCH_SIZE allows. Never throws.
 */
export async function handleTail(items: readonly unknown[], env: Env, policy?: DeliveryPolicy): Promise<TailSummary> {
  const config = loadConfig(env);
  const all: readonly unknown[] = Array.isArray(items) ? items : [];
  const self = selfIdentity(env.CF_VERSION_METADATA);
  const list = all.filter((item) => !isOwnInvocation(item, self));
  const sampledOut: Record<string, number> = {};
  const wire = toWireEvents(list, config, Date.now(), sampledOut);
  for (const [type, count] of Object.entries(sampledOut)) recordSampledOut(type, count);
  const batches = chunkIntoBatches(wire, config.batchSize, config.maxBatchBytes);
  // A tail invocation reports one producer invocation: it goes to one shard whole.
  const shard = wire.length > 0 ? shardOf(wire[0]!.id, config.shardCount) : 0;
  const summary: TailSummary = {
    traceItems: all.length,
    events: wire.length,
    batches: batches.length,
    accepted: 0,
    duplicates: 0,
    undelivered: 0,
    ownInvocations: all.length - list.length,
    errors: [],
  };
  for (const batch of batches) {
    const outcome = await deliverBatch(env, batch, shard, policy);
    if (outcome.ok) {
      summary.accepted += outcome.result.accepted;
      summary.duplicates += outcome.result.duplicates;
    } else {
      summary.undelivered += batch.length;
      summary.errors.push(outcome.error);
      console.error(`do-tail: ${batch.length} events undelivered after ${outcome.attempts} attempts: ${outcome.error}`);
    }
  }
  return summary;
}

/**
 * parse → redact → classify → sample → validate → serialise: the events of TraceItems as the
 * collector receives them. Events tail sampling dropped are counted into `sampledOut` by type.
 * Never throws: a part of an item that breaks a step becomes a marked event in its place.
 */
export function toWireEvents(items: readonly unknown[], config: Config, now: number, sampledOut: Record<string, number> = {}): WireEvent[] {
  const wire: WireEvent[] = [];
  const redactor = redactorFor(config.security);
  const run: Run = {
    config,
    redactor,
    typeFacts: typeFactsFor(config, redactor),
    printedImportance: printedImportance(config.logLevel),
    sampledOut,
  };
  for (const raw of items) {
    const invocationId = newInvocationId();
    const start = wire.length;
    try {
      itemWireEvents(run, parseTraceItem(raw, now), invocationId, wire);
    } catch (error) {
      // Only a bug in do-tail gets here (every step guards producer values); the item is still
      // counted, as one marked event holding nothing of the producer's.
      wire.length = start;
      const marker = unreadablePart("invocation", undefined, `do-tail could not process this item: ${errorMessage(error)}`, now);
      itemWireEvents(run, { script: null, events: [marker] }, invocationId, wire);
    }
  }
  return wire;
}

/** What every item of one toWireEvents call shares. */
interface Run {
  config: Config;
  redactor: Redactor;
  typeFacts: (type: string) => TypeFacts;
  /** Events of this importance number or lower are printed on the console (see LOG_LEVEL). */
  printedImportance: Importance;
  sampledOut: Record<string, number>;
}

function itemWireEvents(run: Run, parsed: ParsedTraceItem, invocationId: string, into: WireEvent[]): void {
  const kept: ClassifiedEvent[] = [];
  const events = parsed.events;
  for (let position = 0; position < events.length; position++) {
    const parsedEvent = events[position]!;
    let event: ClassifiedEvent | undefined;
    try {
      event = classified(run, parsedEvent, parsed.script, invocationId, position);
    } catch (error) {
      const marker = unreadablePart(parsedEvent.kind, parsedEvent.data, errorMessage(error).slice(0, 200), parsedEvent.timestamp);
      event = classified(run, marker, parsed.script, invocationId, position);
    }
    if (event) kept.push(event);
  }
  buildWireEvents(parsed, invocationId, kept, run.config.maxEventBytes, into);
}

/** The event ready to serialise, or undefined when tail sampling drops it. */
function classified(
  run: Run,
  parsedEvent: ParsedEvent,
  script: string | null,
  invocationId: string,
  position: number,
): ClassifiedEvent | undefined {
  const { config } = run;
  const event = parsedEvent as ClassifiedEvent;
  const facts = run.typeFacts(event.type);
  redactEvent(event, run.redactor, config.security, facts.name);
  event.importance = classifyImportance(event, config.importanceRules, facts.importance);
  event.namespace = facts.namespace;
  // Drawn from the invocation's random id: identical invocations are sampled independently.
  const sample = decideSample(event, config.sampling, () => sampleDraw(invocationId, position), facts.rate);
  if (!sample.keep) {
    addCount(run.sampledOut, wellFormed(event.type), 1);
    return undefined;
  }
  event.sampleRate = sample.sampleRate;
  event.validation = validateEvent(event, facts.catalog);
  event.analytics = forwardDecision(event, event.validation, script, config, sample.sampleRate, facts.mapping);
  if (event.importance <= run.printedImportance) printEvent(event);
  return event;
}
