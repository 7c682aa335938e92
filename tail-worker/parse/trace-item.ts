import { errorMessage } from "../../schemas/lib/error-message";
import { type InvocationFields, parseInvocation } from "./invocation";
import { eventName, markProblems, parseLogEntry } from "./log-entry";
import type { ParsedEvent, ParsedTraceItem } from "./parsed-event";
import { toPlain } from "./plain-value";
import {
  asNumber,
  asString,
  isPlainObject,
  isUnreadable,
  noteProblem,
  type Problems,
  partRecord,
  problemText,
  readField,
  readList,
  timeOr,
} from "./values";

/** The type of a part of a TraceItem that could not be read. */
export const UNREADABLE_TYPE = "do_tail.unreadable";

const INVOCATION_FIELDS = [
  "event",
  "outcome",
  "cpuTime",
  "wallTime",
  "executionModel",
  "entrypoint",
  "scriptVersion",
  "dispatchNamespace",
  "scriptTags",
  "durableObjectId",
  "truncated",
] as const satisfies readonly (keyof InvocationFields)[];

/**
 * Reads every part of one TraceItem: the invocation, each console call, each exception and each
 * diagnostics-channel message, in that order. Never throws: each field is read once and guarded,
 * and a part that still cannot be read becomes one marked event in its place (see
 * unreadablePart), so one odd value costs that part at most, never the item.
 */
export function parseTraceItem(raw: unknown, now: number): ParsedTraceItem {
  const problems: Problems = [];
  let item: Record<string, unknown> = {};
  try {
    item = partRecord(raw);
  } catch (error) {
    noteProblem(problems, problemText("TraceItem", error));
  }
  const fields = {} as Record<keyof InvocationFields, unknown>;
  for (const key of INVOCATION_FIELDS) fields[key] = readField(item, key, problems);
  const logs = readList(item, "logs", problems);
  const exceptions = readList(item, "exceptions", problems);
  const diagnostics = readList(item, "diagnosticsChannelEvents", problems);
  const scriptName = asString(readField(item, "scriptName", problems));
  const firstLog = logs[0];
  const firstLogTime = isPlainObject(firstLog) ? asNumber(readField(firstLog, "timestamp", [])) : undefined;
  const started = asNumber(readField(item, "eventTimestamp", problems)) ?? firstLogTime ?? now;

  const events: ParsedEvent[] = [];
  // An unreadable invocation record keeps no partial copy: it would repeat the whole item.
  try {
    const event = parseInvocation(
      fields,
      { logs: logs.length, exceptions: exceptions.length, diagnostics: diagnostics.length },
      started,
      problems,
    );
    if (problems.length > 0) markProblems(event, problems);
    events.push(event);
  } catch (error) {
    events.push(unreadablePart("invocation", undefined, errorMessage(error).slice(0, 200), started));
  }
  let scriptHint: string | undefined;
  // Locally scriptName is null, and a "[name]" first argument is the runtime's prefix.
  const localDev = scriptName === undefined;
  parseParts("log", logs, events, started, (log) => {
    const result = parseLogEntry(log, started, localDev);
    scriptHint ??= result.scriptHint;
    return result.event;
  });
  parseParts("exception", exceptions, events, started, (exception) => parseException(exception, started));
  parseParts("diagnostic", diagnostics, events, started, (message) => parseDiagnostic(message, started));
  return { script: scriptName ?? scriptHint ?? null, events };
}

/**
 * Parses each part of a list into `events`; a part whose parsing throws, or that could not even be
 * read (an Unreadable in its place), becomes a marked event there instead.
 */
function parseParts(
  kind: ParsedEvent["kind"],
  parts: readonly unknown[],
  events: ParsedEvent[],
  timestamp: number,
  parse: (part: unknown) => ParsedEvent,
): void {
  for (const part of parts) {
    if (isUnreadable(part)) {
      events.push(unreadablePart(kind, undefined, part.reason, timestamp));
      continue;
    }
    try {
      events.push(parse(part));
    } catch (error) {
      events.push(unreadablePart(kind, part, errorMessage(error).slice(0, 200), timestamp));
    }
  }
}

/**
 * A part that could not be read: a marked text event saying so, with whatever of the part could
 * be copied safely under `data.unreadable` (redacted like any data). Never the raw part as text.
 */
export function unreadablePart(kind: ParsedEvent["kind"], value: unknown, reason: string, timestamp: number): ParsedEvent {
  const problems: Problems = [];
  const partial = value === undefined ? undefined : toPlain(value, problems);
  const event: ParsedEvent = {
    type: UNREADABLE_TYPE,
    kind,
    level: "error",
    timestamp,
    named: false,
    text: `this ${kind} could not be read: ${reason}`,
    parseError: `unreadable ${kind}: ${reason}`,
    unreadable: true,
    data: partial === undefined ? {} : { unreadable: partial },
  };
  return event;
}

function parseException(raw: unknown, fallbackTime: number): ParsedEvent {
  const problems: Problems = [];
  const exception = partRecord(raw);
  const message = readField(exception, "message", problems);
  const event: ParsedEvent = {
    type: "exception",
    kind: "exception",
    level: "error",
    timestamp: timeOr(readField(exception, "timestamp", problems), fallbackTime),
    named: false,
    data: {
      name: asString(readField(exception, "name", problems)) ?? "Error",
      // Anything but a string stays data, so that redaction reaches inside it.
      message: typeof message === "string" ? message : message == null ? "" : toPlain(message, problems),
      stack: asString(readField(exception, "stack", problems)) ?? null,
    },
  };
  if (problems.length > 0) markProblems(event, problems);
  return event;
}

function parseDiagnostic(raw: unknown, fallbackTime: number): ParsedEvent {
  const problems: Problems = [];
  const entry = partRecord(raw);
  const channel = asString(readField(entry, "channel", problems)) ?? "unknown";
  const message = toPlain(readField(entry, "message", problems), problems);
  const data = isPlainObject(message) ? message : { message };
  const name = eventName(data);
  const event: ParsedEvent = {
    type: name.usable ? name.value : channel,
    kind: "diagnostic",
    channel,
    timestamp: timeOr(readField(entry, "timestamp", problems), fallbackTime),
    named: name.usable,
    data,
  };
  if (name.problem) event.parseError = name.problem;
  if (problems.length > 0) markProblems(event, problems);
  return event;
}
