import type { WireEvent } from "../../schemas/collector-rpc";
import { errorMessage } from "../../schemas/lib/error-message";
import { Hash64 } from "../../schemas/lib/hash64";
import { utf8ByteLength } from "../../schemas/lib/utf8";
import type { ClassifiedEvent } from "../classify/classified-event";
import type { ParsedTraceItem } from "../parse/parsed-event";

/**
 * Serializes the events of one TraceItem into archived JSON and gives them ids. The invocation id
 * hashes the item's fingerprint and the content of every event, so the same TraceItem always gets
 * the same ids and a retried delivery can be recognised by the collector.
 */
export function buildWireEvents(item: ParsedTraceItem, events: readonly ClassifiedEvent[], maxEventBytes: number): WireEvent[] {
  const bodies = events.map((event) => serializeBody(item.script, event, maxEventBytes));
  // Identity is the producer's content: the log line as it came when there is one, else the
  // event's JSON. The invocation event is derived from the fingerprint, which is hashed already.
  const hash = new Hash64().update(item.fingerprint);
  events.forEach((event, position) => {
    if (event.kind !== "invocation") hash.update(event.raw ?? (bodies[position] as Body).json);
  });
  const invocationId = hash.hex();

  return bodies.map((body, position) => {
    const event = events[position] as ClassifiedEvent;
    const id = `${invocationId}-${position}`;
    return {
      id,
      importance: event.importance,
      timestamp: event.timestamp,
      type: event.type,
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
  let asText = event.text !== undefined && Object.keys(event.data).length === 0;
  try {
    json = event.raw === undefined ? JSON.stringify(envelope) : withRawData(envelope, event.raw);
  } catch (error) {
    // Cycles, BigInt, or nesting too deep to re-serialise: keep what can be kept, as text.
    asText = true;
    json = JSON.stringify({
      ...envelope,
      text: event.raw ?? event.text ?? "",
      parseError: `event data could not be serialised: ${errorMessage(error)}`,
      data: {},
    });
  }
  // The ids spliced in later take up to ID_PREFIX_BYTES; three bytes per UTF-16 unit at most, so
  // short strings skip the exact count.
  const budget = maxEventBytes - ID_PREFIX_BYTES;
  if (json.length * 3 <= budget) return { json, asText };
  const bytes = utf8ByteLength(json);
  if (bytes <= budget) return { json, asText };
  return { json: truncatedBody(envelope, json, bytes, maxEventBytes), asText };
}

/**
 * A JSON log line nothing has changed since it was parsed is its own data: splicing it in saves
 * re-serialising what JSON.parse just read, and keeps the producer's fields byte for byte.
 */
function withRawData(envelope: { data: unknown }, raw: string): string {
  const head = JSON.stringify({ ...envelope, data: undefined });
  return `${head.slice(0, -1)},"data":${raw}}`;
}

/** Keeps the start of the event as a preview, with a marker saying it was cut and from what size. */
function truncatedBody(envelope: { data: unknown; text?: string }, json: string, bytes: number, maxEventBytes: number): string {
  const previewChars = Math.floor(maxEventBytes / 4);
  return JSON.stringify({
    ...envelope,
    text: json.slice(0, previewChars),
    truncated: { originalBytes: bytes, maxBytes: maxEventBytes },
    data: {},
  });
}
