import { errorMessage } from "../../schemas/lib/error-message";
import { applyFormatSpecifiers, formatArg } from "./format-args";
import { MAX_LINE_DEPTH, nestsDeeperThan } from "./json-depth";
import { startsLikeJsonContainer } from "./json-start";
import { parseLenientJson } from "./lenient-json";
import { newParsedEvent, type ParsedEvent } from "./parsed-event";
import { toPlain } from "./plain-value";
import {
  asString,
  copyElements,
  isArray,
  isPlainObject,
  isUnreadable,
  noteProblem,
  type Problems,
  partRecord,
  readField,
  timeOr,
  Unreadable,
} from "./values";

/** Locally, a producer sharing the dev process prefixes every log with "[producer-name]". */
const LOCAL_SCRIPT_PREFIX = /^\[([\w.-]{1,128})\]$/;

export interface LogEntryResult {
  event: ParsedEvent;
  /** The producer's name read from the local-dev "[name]" prefix, when present. */
  scriptHint?: string;
}

/**
 * Turns one console call into one event; never drops the call. `localDev` (the item has no
 * scriptName) is the only case where a leading "[name]" argument is the runtime's prefix rather
 * than the producer's own text. A field or argument that cannot be read is marked in its place
 * and named in `parseError`; the rest of the call is kept.
 */
export function parseLogEntry(log: unknown, fallbackTime: number, localDev: boolean): LogEntryResult {
  const problems: Problems = [];
  const entry = partRecord(log);
  const level = asString(readField(entry, "level", problems)) ?? "log";
  const timestamp = timeOr(readField(entry, "timestamp", problems), fallbackTime, problems, "the invocation's time");
  const message = readField(entry, "message", problems);
  // The usual call, one string (a JSON line): no copy of the arguments needed.
  const line = isArray(message) ? onlyString(message) : undefined;
  if (line !== undefined) {
    const event = fromString(line, level, timestamp);
    if (problems.length > 0) markProblems(event, problems);
    return { event, scriptHint: undefined };
  }
  let args = isArray(message) ? readArgs(message, problems) : message === undefined ? [] : [message];

  let scriptHint: string | undefined;
  const first = args[0];
  if (localDev && args.length > 1 && typeof first === "string") {
    const prefix = LOCAL_SCRIPT_PREFIX.exec(first);
    if (prefix) {
      scriptHint = prefix[1];
      args = args.slice(1);
    }
  }
  const formatted = applyFormatSpecifiers(args, renderArg);
  const event = eventFromArgs(formatted, level, timestamp, problems);
  // Specifiers join arguments into the text as spaces do (`console.log("token %s", t)`).
  if (formatted !== args && event.text !== undefined) event.argsJoined = true;
  if (problems.length > 0) markProblems(event, problems);
  return { event, scriptHint };
}

/** Names what could not be read in the event's parseError, after any problem it had already. */
export function markProblems(event: ParsedEvent, problems: Problems): void {
  const note = `could not read ${problems.join("; ")}`;
  event.parseError = event.parseError === undefined ? note : `${event.parseError}; ${note}`;
}

/** The one argument of a call, when it is a single string; undefined otherwise, or when reading throws. */
function onlyString(message: unknown[]): string | undefined {
  try {
    const first = message.length === 1 ? message[0] : undefined;
    return typeof first === "string" ? first : undefined;
  } catch {
    return undefined;
  }
}

function readArgs(message: unknown[], problems: Problems): unknown[] {
  let length: number;
  try {
    length = message.length;
  } catch (error) {
    noteProblem(problems, `message: ${errorMessage(error).slice(0, 200)}`);
    return [];
  }
  return copyElements(message, length, (i, error) => {
    const reason = errorMessage(error).slice(0, 200);
    noteProblem(problems, `message[${i}]: ${reason}`);
    return new Unreadable(reason);
  });
}

function eventFromArgs(args: unknown[], level: string, timestamp: number, problems: Problems): ParsedEvent {
  if (args.length === 1 && typeof args[0] === "string") {
    return fromString(args[0], level, timestamp);
  }
  // Objects stay structured, so that redaction and queries reach inside them.
  const structured: unknown[] = [];
  const rest: string[] = [];
  for (const arg of args) {
    if (!isUnreadable(arg) && isStructured(arg)) structured.push(toPlain(arg, problems));
    else rest.push(renderArg(arg));
  }
  // An empty call is kept as an empty text event rather than as nothing.
  const text = rest.length > 0 || structured.length === 0 ? rest.join(" ") : undefined;
  const [only] = structured;
  const event =
    structured.length === 1 && isPlainObject(only)
      ? fromObject(only, level, timestamp, text, undefined)
      : logEvent(level, timestamp, structured.length > 0 ? { args: structured } : {});
  if (text !== undefined) event.text = text;
  if (rest.length > 1) event.argsJoined = true;
  return event;
}

function renderArg(arg: unknown): string {
  return isUnreadable(arg) ? `[unreadable: ${arg.reason}]` : formatArg(arg);
}

/**
 * Arguments kept as data: objects, unless they render themselves (an Error as "Name: message",
 * anything with toJSON, such as a Date or URL, as its JSON). Asking may run a Proxy's traps: one
 * that throws is data too, where the copy marks it unreadable.
 */
function isStructured(arg: unknown): boolean {
  if (arg === null || typeof arg !== "object") return false;
  try {
    return !(arg instanceof Error) && typeof (arg as { toJSON?: unknown }).toJSON !== "function";
  } catch {
    return true;
  }
}

function logEvent(level: string, timestamp: number, data: Record<string, unknown>): ParsedEvent {
  return newParsedEvent("log", `console.${level}`, timestamp, false, data, level);
}

function textEvent(line: string, level: string, timestamp: number): ParsedEvent {
  const event = logEvent(level, timestamp, {});
  event.text = line;
  return event;
}

/**
 * A line that looks like a JSON object or array is read as one: strictly, or else leniently
 * (single quotes, unquoted keys, trailing commas, comments), so that its fields are redacted as
 * data rather than kept as text. Only a strictly read object keeps its line, for the archive to
 * reuse byte for byte.
 */
function fromString(line: string, level: string, timestamp: number): ParsedEvent {
  if (!startsLikeJsonContainer(line)) return textEvent(line, level, timestamp);
  let parsed: unknown;
  let lenient: string | undefined;
  try {
    parsed = JSON.parse(line);
    if (nestsDeeperThan(line, MAX_LINE_DEPTH)) {
      const deep = textEvent(line, level, timestamp);
      deep.parseError = `JSON nested deeper than ${MAX_LINE_DEPTH} levels: kept as text, so that every JSON reader can read the archive`;
      return deep;
    }
  } catch (strictError) {
    try {
      parsed = parseLenientJson(line);
      lenient = `not strict JSON (${withoutQuotedText(errorMessage(strictError))}), read leniently`;
    } catch (lenientError) {
      const broken = textEvent(line, level, timestamp);
      broken.parseError = `invalid JSON: ${withoutQuotedText(errorMessage(strictError))}; not read leniently either: ${errorMessage(lenientError)}`;
      return broken;
    }
  }
  let event: ParsedEvent;
  if (isPlainObject(parsed)) event = fromObject(parsed, level, timestamp, undefined, lenient ? undefined : line);
  else if (Array.isArray(parsed)) event = logEvent(level, timestamp, { args: [parsed] });
  else return textEvent(line, level, timestamp);
  if (lenient) event.parseError = event.parseError === undefined ? lenient : `${lenient}; ${event.parseError}`;
  return event;
}

/**
 * A JSON.parse error without the piece of the line V8 quotes in it (`Unexpected token 'h',
 * ..."assword": hunter2"... is not valid JSON`): cut at any point, it can show a secret's value
 * without the name that would have it redacted.
 */
function withoutQuotedText(message: string): string {
  return message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, ", not valid JSON");
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
  const event = newParsedEvent("log", name.usable ? name.value : `console.${level}`, timestamp, name.usable, data, level);
  if (text !== undefined) event.text = text;
  if (raw !== undefined) event.raw = raw;
  if (name.problem) event.parseError = name.problem;
  return event;
}
