import { isPartitionable } from "../../schemas/archive/partition";
import { errorMessage } from "../../schemas/lib/error-message";
import { type InvocationFields, parseInvocation } from "./invocation";
import { eventName, MAX_EVENT_NAME_LENGTH, markProblems, parseLogEntry } from "./log-entry";
import { newParsedEvent, type ParsedEvent, type ParsedTraceItem } from "./parsed-event";
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
  readFieldQuietly,
  readList,
  timeOr,
} from "./values";

/** The type of a part of a TraceItem that could not be read. */
export const UNREADABLE_TYPE = "do_tail.unreadable";

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
  // One literal, not a loop over names: an object built the same way every time stays one shape.
  const fields: InvocationFields = {
    event: readField(item, "event", problems),
    outcome: readField(item, "outcome", problems),
    cpuTime: readField(item, "cpuTime", problems),
    wallTime: readField(item, "wallTime", problems),
    executionModel: readField(item, "executionModel", problems),
    entrypoint: readField(item, "entrypoint", problems),
    scriptVersion: readField(item, "scriptVersion", problems),
    dispatchNamespace: readField(item, "dispatchNamespace", problems),
    scriptTags: readField(item, "scriptTags", problems),
    durableObjectId: readField(item, "durableObjectId", problems),
    truncated: readField(item, "truncated", problems),
  };
  const logs = readList(item, "logs", problems);
  const exceptions = readList(item, "exceptions", problems);
  const diagnostics = readList(item, "diagnosticsChannelEvents", problems);
  const scriptName = asString(readField(item, "scriptName", problems));
  const firstLog = logs[0];
  // Problems of the first log are its own event's to name, not the invocation's.
  const firstLogTime = isPlainObject(firstLog) ? asNumber(readFieldQuietly(firstLog, "timestamp")) : undefined;
  const logTimed = firstLogTime !== undefined && isPartitionable(firstLogTime);
  const started = timeOr(
    readField(item, "eventTimestamp", problems),
    logTimed ? firstLogTime : now,
    problems,
    logTimed ? "the first log's time" : "the time received",
  );

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
  const event = newParsedEvent(kind, UNREADABLE_TYPE, timestamp, false, partial === undefined ? {} : { unreadable: partial }, "error");
  event.text = `this ${kind} could not be read: ${reason}`;
  event.parseError = `unreadable ${kind}: ${reason}`;
  event.unreadable = true;
  return event;
}

function parseException(raw: unknown, fallbackTime: number): ParsedEvent {
  const problems: Problems = [];
  const exception = partRecord(raw);
  const message = readField(exception, "message", problems);
  const timestamp = timeOr(readField(exception, "timestamp", problems), fallbackTime, problems, "the invocation's time");
  const data = {
    name: asString(readField(exception, "name", problems)) ?? "Error",
    // Anything but a string stays data, so that redaction reaches inside it.
    message: typeof message === "string" ? message : message == null ? "" : toPlain(message, problems),
    stack: asString(readField(exception, "stack", problems)) ?? null,
  };
  const event = newParsedEvent("exception", "exception", timestamp, false, data, "error");
  if (problems.length > 0) markProblems(event, problems);
  return event;
}

function parseDiagnostic(raw: unknown, fallbackTime: number): ParsedEvent {
  const problems: Problems = [];
  const entry = partRecord(raw);
  const named = asString(readField(entry, "channel", problems)) ?? "unknown";
  // The channel is the event's type and is in every key of stats and rollups: bounded as `_event` names are.
  const channel = named.length > MAX_EVENT_NAME_LENGTH ? `${named.slice(0, MAX_EVENT_NAME_LENGTH - 1)}…` : named;
  if (channel !== named)
    noteProblem(problems, `channel: a name of ${named.length} characters, cut to its first ${MAX_EVENT_NAME_LENGTH - 1}`);
  const message = toPlain(readField(entry, "message", problems), problems);
  const data = isPlainObject(message) ? message : { message };
  const name = eventName(data);
  const timestamp = timeOr(readField(entry, "timestamp", problems), fallbackTime, problems, "the invocation's time");
  const event = newParsedEvent("diagnostic", name.usable ? name.value : channel, timestamp, name.usable, data);
  event.channel = channel;
  if (name.problem) event.parseError = name.problem;
  if (problems.length > 0) markProblems(event, problems);
  return event;
}
