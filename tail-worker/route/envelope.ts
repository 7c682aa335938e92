import type { WireEvent } from "../../schemas/collector-rpc";
import { errorMessage } from "../../schemas/lib/error-message";
import { utf8ByteLength } from "../../schemas/lib/utf8";
import { isPlainJson, wellFormed, wellFormedJson } from "../../schemas/lib/well-formed-json";
import type { ClassifiedEvent } from "../classify/classified-event";
import type { ParsedTraceItem } from "../parse/parsed-event";
import { toPlain } from "../parse/plain-value";

/**
 * Serializes the events of one TraceItem into archived JSON and gives them ids: `<invocationId>-
 * <position>`, where the invocation id was drawn at random for this TraceItem in this tail() call
 * (see newInvocationId). A retried delivery resends these very events, so the collector can
 * recognise it; two invocations, however alike, never share ids. The events are appended to `into`.
 */
export function buildWireEvents(
  item: ParsedTraceItem,
  invocationId: string,
  events: readonly ClassifiedEvent[],
  maxEventBytes: number,
  into: WireEvent[] = [],
): WireEvent[] {
  const afterId = `","invocationId":"${invocationId}",`;
  const idsPlain = isPlainJson(invocationId);
  for (let position = 0; position < events.length; position++) {
    const event = events[position]!;
    const id = `${invocationId}-${position}`;
    const ids = `{"id":"${id}${afterId}`;
    let json: string;
    let asText = event.unreadable === true || (event.text !== undefined && isEmpty(event.data));
    try {
      json = envelopeJson(ids, idsPlain, item.script, event);
    } catch (error) {
      asText = true;
      json = wellFormedJson(unserialisableEvent(envelopeOf(id, invocationId, item.script, event), error));
    }
    // Three bytes per UTF-16 unit at most: short events skip the exact count.
    if (json.length * 3 > maxEventBytes) {
      const bytes = utf8ByteLength(json);
      if (bytes > maxEventBytes)
        json = truncatedEvent(envelopeOf(id, invocationId, item.script, event), json, ids.length, bytes, maxEventBytes);
    }
    const wire: WireEvent = {
      id,
      importance: event.importance,
      timestamp: event.timestamp,
      type: wellFormed(event.type),
      kind: event.kind,
      namespace: event.namespace,
      asText,
      json,
    };
    if (event.validation) wire.invalid = true;
    if (event.analytics) wire.analytics = event.analytics;
    into.push(wire);
  }
  return into;
}

/**
 * The archived event, written field by field in the order of the envelope after `ids` (its
 * opening brace and ids): what JSON.stringify of that object writes, without building the object
 * (which measures slower in the tail path), made well-formed (see wellFormedJson). Throws what
 * JSON.stringify throws on data nested too deep for its stack.
 */
function envelopeJson(ids: string, idsPlain: boolean, script: string | null, event: ClassifiedEvent): string {
  const head = headOf(event, script);
  // Strict readers refuse a lone surrogate (`\ud800`) anywhere in the object, so none is archived.
  // Each part is checked where it is written (a head once, when it is made): when all are plain,
  // the whole is, and is not scanned (nor flattened) again.
  let fields = "";
  if (event.channel !== undefined) fields += `,"channel":${JSON.stringify(event.channel)}`;
  if (event.text !== undefined) fields += `,"text":${JSON.stringify(event.text)}`;
  if (event.parseError !== undefined) fields += `,"parseError":${JSON.stringify(event.parseError)}`;
  if (event.validation !== undefined) fields += `,"validation":${JSON.stringify(event.validation)}`;
  const sampleRate = event.sampleRate ?? 1;
  const data = dataJson(event);
  const json = `${ids}${head.beforeTime}${numberJson(event.timestamp)}${head.afterTime}${fields}${sampleRate === 1 ? ',"sampleRate":1,"data":' : `,"sampleRate":${numberJson(sampleRate)},"data":`}${data}}`;
  const plain = idsPlain && head.plain && (fields === "" || isPlainJson(fields)) && isPlainJson(data);
  return plain ? json : wellFormedJson(json);
}

/**
 * The envelope's fields around the timestamp, as JSON: type, kind and importance before it;
 * script, namespace and level after it. They repeat from event to event (one producer, a few
 * types), so each combination is written once and kept, a bounded number of them: an event then
 * costs a lookup and a few joins rather than a dozen of each.
 */
interface Head {
  kind: string;
  importance: number;
  script: string | null;
  namespace: string | null;
  level: string | undefined;
  beforeTime: string;
  afterTime: string;
  /** Both texts are plain JSON (see isPlainJson). */
  plain: boolean;
}

const MAX_HEADS = 2_000;
const MAX_HEADS_PER_TYPE = 16;
const MAX_HEAD_LENGTH = 1_000;
/** Heads by type; the few combinations of one type are told apart by a scan. */
const heads = new Map<string, Head[]>();
let headCount = 0;

function headOf(event: ClassifiedEvent, script: string | null): Head {
  const { type, kind, importance, namespace, level } = event;
  let ofType = heads.get(type);
  if (ofType !== undefined) {
    for (let i = 0; i < ofType.length; i++) {
      const head = ofType[i]!;
      if (
        head.kind === kind &&
        head.importance === importance &&
        head.script === script &&
        head.namespace === namespace &&
        head.level === level
      )
        return head;
    }
  }
  const beforeTime = `"type":${JSON.stringify(type)},"kind":"${kind}","importance":${importance},"timestamp":`;
  const afterTime = `,"script":${script === null ? "null" : JSON.stringify(script)},"namespace":${namespace === null ? "null" : JSON.stringify(namespace)}${level === undefined ? "" : `,"level":${JSON.stringify(level)}`}`;
  const head: Head = {
    kind,
    importance,
    script,
    namespace,
    level,
    beforeTime,
    afterTime,
    plain: isPlainJson(beforeTime) && isPlainJson(afterTime),
  };
  // Types, scripts and levels are the producer's: long ones are not kept, a type seen in many
  // combinations keeps its first few, and past MAX_HEADS the heads start over.
  if (head.beforeTime.length + head.afterTime.length > MAX_HEAD_LENGTH || (ofType !== undefined && ofType.length >= MAX_HEADS_PER_TYPE))
    return head;
  if (headCount >= MAX_HEADS) {
    heads.clear();
    headCount = 0;
    ofType = undefined;
  }
  if (ofType === undefined) {
    ofType = [];
    heads.set(type, ofType);
  }
  ofType.push(head);
  headCount++;
  return head;
}

/**
 * The event's data as JSON: the producer's own line where redaction left it (it says the same
 * more exactly: spaces, `1.0`, integers beyond 2^53 kept byte for byte), else serialised. Throws
 * what JSON.stringify throws on data too deep for it, unless the line can stand in.
 */
function dataJson(event: ClassifiedEvent): string {
  return event.raw ?? JSON.stringify(event.data);
}

/** The envelope as an object, for the rare events that are rewritten (unserialisable, too large). */
function envelopeOf(id: string, invocationId: string, script: string | null, event: ClassifiedEvent) {
  return {
    id,
    invocationId,
    type: event.type,
    kind: event.kind,
    importance: event.importance,
    timestamp: event.timestamp,
    script,
    namespace: event.namespace,
    level: event.level,
    channel: event.channel,
    text: event.text,
    parseError: event.parseError,
    validation: event.validation,
    sampleRate: event.sampleRate ?? 1,
    data: event.data,
  };
}

/**
 * A number as JSON writes it. Timestamps (13-digit integers) are the usual case, and V8 renders an
 * integer that large through its general double-to-text path; two small halves render faster.
 */
function numberJson(value: number): string {
  if (value === 1) return "1";
  if (value >= 1e6 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value)) {
    let high = Math.floor(value / 1e6);
    let low = value - high * 1e6;
    // The division rounds: near 2^53 it may land one off.
    if (low < 0) {
      high -= 1;
      low += 1e6;
    } else if (low >= 1e6) {
      high += 1;
      low -= 1e6;
    }
    return `${high}${String(low + 1e6).slice(1)}`;
  }
  return Number.isFinite(value) ? String(value) : "null";
}

function isEmpty(record: Record<string, unknown>): boolean {
  for (const _ in record) return false;
  return true;
}

/**
 * Data JSON.stringify gave up on (nested too deep for its stack): kept as text, rendered from a
 * copy cut at a safe depth. The data is redacted already; the producer's original line is never
 * used here, as it may hold what redaction removed.
 */
function unserialisableEvent(envelope: { data: Record<string, unknown>; text?: string }, error: unknown): string {
  let rendered: string;
  try {
    rendered = JSON.stringify(toPlain(envelope.data, [])) ?? "";
  } catch {
    rendered = "";
  }
  return JSON.stringify({
    ...envelope,
    text: envelope.text ?? rendered,
    parseError: `event data could not be serialised (${errorMessage(error)}): kept as text, cut where too deep`,
    data: {},
  });
}

/**
 * Keeps the start of the event (after its ids, the first `idsLength` characters) as a preview,
 * with a marker saying it was cut and from what size. The envelope's own text fields (a type, a
 * level, a parse error: the producer's or the platform's) are cut too, and both are cut further
 * until the event fits: a truncated event is within the limit whatever was too large.
 */
function truncatedEvent(envelope: object, json: string, idsLength: number, bytes: number, maxEventBytes: number): string {
  for (let previewChars = Math.floor(maxEventBytes / 4), fieldChars = Math.floor(maxEventBytes / 32); ; ) {
    const truncated = wellFormedJson(
      JSON.stringify({
        ...cutFields(envelope, fieldChars),
        text: `{${json.slice(idsLength, idsLength + Math.max(0, previewChars - 1))}`,
        truncated: { originalBytes: bytes, maxBytes: maxEventBytes },
        data: {},
      }),
    );
    if (previewChars === 0 || utf8ByteLength(truncated) <= maxEventBytes) return truncated;
    previewChars >>= 1;
    fieldChars >>= 1;
  }
}

const CUT_FIELDS = ["type", "script", "namespace", "level", "channel", "parseError"];

function cutFields(envelope: object, maxChars: number): object {
  const out: Record<string, unknown> = { ...envelope };
  for (const field of CUT_FIELDS) {
    const value = out[field];
    if (typeof value === "string" && value.length > maxChars) out[field] = `${value.slice(0, maxChars)}…`;
  }
  return out;
}
