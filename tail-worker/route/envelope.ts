import type { WireEvent } from "../../schemas/collector-rpc";
import { errorMessage } from "../../schemas/lib/error-message";
import { utf8ByteLength } from "../../schemas/lib/utf8";
import { wellFormed, wellFormedJson } from "../../schemas/lib/well-formed-json";
import type { ClassifiedEvent } from "../classify/classified-event";
import type { ParsedTraceItem } from "../parse/parsed-event";
import { toPlain } from "../parse/plain-value";

/**
 * Serializes the events of one TraceItem into archived JSON and gives them ids: `<invocationId>-
 * <position>`, where the invocation id was drawn at random for this TraceItem in this tail() call
 * (see newInvocationId). A retried delivery resends these very events, so the collector can
 * recognise it; two invocations, however alike, never share ids.
 */
export function buildWireEvents(
  item: ParsedTraceItem,
  invocationId: string,
  events: readonly ClassifiedEvent[],
  maxEventBytes: number,
): WireEvent[] {
  return events.map((event, position) => {
    const body = serializeBody(item.script, event, maxEventBytes);
    const id = `${invocationId}-${position}`;
    return {
      id,
      importance: event.importance,
      timestamp: event.timestamp,
      type: wellFormed(event.type),
      kind: event.kind,
      namespace: event.namespace,
      asText: body.asText,
      // The body always starts with `{"type":`, so splicing the ids in keeps valid JSON.
      json: `{"id":"${id}","invocationId":"${invocationId}",${body.json.slice(1)}`,
      ...(event.validation ? { invalid: true } : {}),
      ...(event.analytics ? { analytics: event.analytics } : {}),
    };
  });
}

/** `{"id":"<16 hex>-<position>","invocationId":"<16 hex>",` with room for any position. */
const ID_PREFIX_BYTES = 80;

interface Body {
  json: string;
  asText: boolean;
}

function serializeBody(script: string | null, event: ClassifiedEvent, maxEventBytes: number): Body {
  const envelope = {
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
  let json: string;
  let asText = event.unreadable === true || (event.text !== undefined && isEmpty(event.data));
  try {
    json = event.raw === undefined ? JSON.stringify(envelope) : withRawData(envelope, event.raw);
  } catch (error) {
    asText = true;
    json = unserialisableBody(envelope, error);
  }
  // Strict readers refuse a lone surrogate (`\ud800`) anywhere in the object, so none is archived.
  json = wellFormedJson(json);
  // The ids spliced in later take up to ID_PREFIX_BYTES; three bytes per UTF-16 unit at most, so
  // short strings skip the exact count.
  const budget = maxEventBytes - ID_PREFIX_BYTES;
  if (json.length * 3 <= budget) return { json, asText };
  const bytes = utf8ByteLength(json);
  if (bytes <= budget) return { json, asText };
  return { json: truncatedBody(envelope, json, bytes, maxEventBytes), asText };
}

function isEmpty(record: Record<string, unknown>): boolean {
  for (const _ in record) return false;
  return true;
}

/**
 * A JSON log line is its own data while nothing has changed it since it was parsed and it holds
 * no key its parse dropped (see redactEvent): splicing it in saves re-serialising what JSON.parse
 * just read, and keeps the producer's fields byte for byte.
 */
function withRawData(envelope: { data: unknown }, raw: string): string {
  const head = JSON.stringify({ ...envelope, data: undefined });
  return `${head.slice(0, -1)},"data":${raw}}`;
}

/**
 * Data JSON.stringify gave up on (nested too deep for its stack): kept as text, rendered from a
 * copy cut at a safe depth. The data is redacted already; the producer's original line is never
 * used here, as it may hold what redaction removed.
 */
function unserialisableBody(envelope: { data: Record<string, unknown>; text?: string }, error: unknown): string {
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

/** Keeps the start of the event as a preview, with a marker saying it was cut and from what size. */
function truncatedBody(envelope: { data: unknown; text?: string }, json: string, bytes: number, maxEventBytes: number): string {
  const previewChars = Math.floor(maxEventBytes / 4);
  return wellFormedJson(
    JSON.stringify({
      ...envelope,
      text: json.slice(0, previewChars),
      truncated: { originalBytes: bytes, maxBytes: maxEventBytes },
      data: {},
    }),
  );
}
