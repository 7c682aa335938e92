import type { ParsedEvent } from "./parsed-event";
import { errorMessage, formatArgs } from "./format-args";
import { asString, isPlainObject, timeOr } from "./values";

/** Locally, a producer sharing the dev process prefixes every log with "[producer-name]". */
const LOCAL_SCRIPT_PREFIX = /^\[([\w.-]{1,128})\]$/;

export interface LogEntryResult {
  event: ParsedEvent;
  /** The producer's name read from the local-dev "[name]" prefix, when present. */
  scriptHint?: string;
}

/**
 * Turns one console call into one event; never throws, never drops the call. `localDev` (the item
 * has no scriptName) is the only case where a leading "[name]" argument is the runtime's prefix
 * rather than the producer's own text.
 */
export function parseLogEntry(log: unknown, fallbackTime: number, localDev: boolean): LogEntryResult {
  const entry = isPlainObject(log) ? log : {};
  const level = asString(entry.level) ?? "log";
  const timestamp = timeOr(entry.timestamp, fallbackTime);
  let args = Array.isArray(entry.message) ? entry.message : entry.message === undefined ? [] : [entry.message];

  let scriptHint: string | undefined;
  const first = args[0];
  if (localDev && args.length > 1 && typeof first === "string") {
    const prefix = LOCAL_SCRIPT_PREFIX.exec(first);
    if (prefix) {
      scriptHint = prefix[1];
      args = args.slice(1);
    }
  }
  return { event: eventFromArgs(args, level, timestamp), scriptHint };
}

function eventFromArgs(args: unknown[], level: string, timestamp: number): ParsedEvent {
  const base = { kind: "log" as const, level, timestamp };
  if (args.length === 1 && typeof args[0] === "string") {
    return fromString(args[0], base);
  }
  // Plain objects and arrays stay structured, so that redaction and queries reach inside them.
  const structured: unknown[] = args.filter((a) => isPlainObject(a) || Array.isArray(a));
  const rest = args.filter((a) => !structured.includes(a));
  // An empty call is kept as an empty text event rather than as nothing.
  const text = rest.length > 0 || structured.length === 0 ? { text: formatArgs(rest) } : {};
  const [only] = structured;
  if (structured.length === 1 && isPlainObject(only)) {
    return named(only, { ...base, data: only, ...text });
  }
  const data = structured.length > 0 ? { args: structured } : {};
  return { ...base, type: `console.${level}`, named: false, ...text, data };
}

function fromString(line: string, base: { kind: "log"; level: string; timestamp: number }): ParsedEvent {
  const text: ParsedEvent = { ...base, type: `console.${base.level}`, named: false, text: line, data: {} };
  if (!line.trimStart().startsWith("{")) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return { ...text, parseError: `invalid JSON: ${errorMessage(error)}` };
  }
  if (!isPlainObject(parsed)) return text;
  return named(parsed, { ...base, data: parsed, raw: line });
}

/** Longer names are kept in `data` but not used as a type, so keys and stats stay bounded. */
export const MAX_EVENT_NAME_LENGTH = 256;

/** Types the event by its `_event` name when the producer gave a usable one. */
function named(data: Record<string, unknown>, event: Omit<ParsedEvent, "type" | "named">): ParsedEvent {
  const name = data._event;
  const unnamed = { ...event, type: `console.${event.level ?? "log"}`, named: false };
  if (typeof name !== "string" || name.trim() === "") return unnamed;
  if (name.length > MAX_EVENT_NAME_LENGTH) {
    return { ...unnamed, parseError: `_event is longer than ${MAX_EVENT_NAME_LENGTH} characters` };
  }
  return { ...event, type: name, named: true };
}
