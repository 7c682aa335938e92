import { errorMessage } from "../../schemas/lib/error-message";
import { formatArgs } from "./format-args";
import type { ParsedEvent } from "./parsed-event";
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
  if (args.length === 1 && typeof args[0] === "string") {
    return fromString(args[0], level, timestamp);
  }
  // Plain objects and arrays stay structured, so that redaction and queries reach inside them.
  const structured: unknown[] = args.filter((a) => isPlainObject(a) || Array.isArray(a));
  const rest = args.filter((a) => !structured.includes(a));
  // An empty call is kept as an empty text event rather than as nothing.
  const text = rest.length > 0 || structured.length === 0 ? formatArgs(rest) : undefined;
  const [only] = structured;
  if (structured.length === 1 && isPlainObject(only)) {
    return fromObject(only, level, timestamp, text, undefined);
  }
  const event: ParsedEvent = {
    type: `console.${level}`,
    kind: "log",
    level,
    timestamp,
    named: false,
    data: structured.length > 0 ? { args: structured } : {},
  };
  if (text !== undefined) event.text = text;
  return event;
}

function fromString(line: string, level: string, timestamp: number): ParsedEvent {
  const text = (): ParsedEvent => ({ type: `console.${level}`, kind: "log", level, timestamp, named: false, text: line, data: {} });
  if (!line.trimStart().startsWith("{")) return text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    const broken = text();
    broken.parseError = `invalid JSON: ${errorMessage(error)}`;
    return broken;
  }
  return isPlainObject(parsed) ? fromObject(parsed, level, timestamp, undefined, line) : text();
}

/** Longer names are kept in `data` but not used as a type, so keys and stats stay bounded. */
export const MAX_EVENT_NAME_LENGTH = 256;

/** The producer's `_event` name, when usable as a type; an over-long one is a problem to mark. */
export function eventName(
  data: Record<string, unknown>,
): { usable: true; value: string; problem?: undefined } | { usable: false; problem?: string } {
  const name = data._event;
  if (typeof name !== "string" || name.trim() === "") return { usable: false };
  if (name.length > MAX_EVENT_NAME_LENGTH) return { usable: false, problem: `_event is longer than ${MAX_EVENT_NAME_LENGTH} characters` };
  return { usable: true, value: name };
}

/** A structured event, typed by its `_event` name when the producer gave a usable one. */
function fromObject(
  data: Record<string, unknown>,
  level: string,
  timestamp: number,
  text: string | undefined,
  raw: string | undefined,
): ParsedEvent {
  const name = eventName(data);
  const event: ParsedEvent = {
    type: name.usable ? name.value : `console.${level}`,
    kind: "log",
    level,
    timestamp,
    named: name.usable,
    data,
  };
  if (text !== undefined) event.text = text;
  if (raw !== undefined) event.raw = raw;
  if (name.problem) event.parseError = name.problem;
  return event;
}
