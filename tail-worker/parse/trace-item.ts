import { parseInvocation } from "./invocation";
import { eventName, parseLogEntry } from "./log-entry";
import type { ParsedEvent, ParsedTraceItem } from "./parsed-event";
import { asArray, asNumber, asString, isPlainObject, timeOr } from "./values";

/**
 * Reads every part of one TraceItem: the invocation, each console call, each exception and each
 * diagnostics-channel message. Positions are stable (invocation, logs, exceptions, diagnostics, in
 * order), which is what makes event ids deterministic.
 */
export function parseTraceItem(raw: unknown, now: number): ParsedTraceItem {
  const item = isPlainObject(raw) ? raw : {};
  const logs = asArray(item.logs);
  const exceptions = asArray(item.exceptions);
  const diagnostics = asArray(item.diagnosticsChannelEvents);
  const firstLogTime = isPlainObject(logs[0]) ? asNumber(logs[0].timestamp) : undefined;
  const started = asNumber(item.eventTimestamp) ?? firstLogTime ?? now;

  const events: ParsedEvent[] = [parseInvocation(item, started)];
  let scriptHint: string | undefined;
  const localDev = asString(item.scriptName) === undefined;
  for (const log of logs) {
    const result = parseLogEntry(log, started, localDev);
    scriptHint ??= result.scriptHint;
    events.push(result.event);
  }
  for (const exception of exceptions) events.push(parseException(exception, started));
  for (const message of diagnostics) events.push(parseDiagnostic(message, started));

  const script = asString(item.scriptName) ?? scriptHint ?? null;
  const invocation = events[0] as ParsedEvent;
  return { script, fingerprint: fingerprintOf(script, started, invocation.data), events };
}

function parseException(raw: unknown, fallbackTime: number): ParsedEvent {
  const exception = isPlainObject(raw) ? raw : {};
  return {
    type: "exception",
    kind: "exception",
    level: "error",
    timestamp: timeOr(exception.timestamp, fallbackTime),
    named: false,
    data: {
      name: asString(exception.name) ?? "Error",
      message: asString(exception.message) ?? String(exception.message ?? ""),
      stack: asString(exception.stack) ?? null,
    },
  };
}

function parseDiagnostic(raw: unknown, fallbackTime: number): ParsedEvent {
  const entry = isPlainObject(raw) ? raw : {};
  const channel = asString(entry.channel) ?? "unknown";
  const message = entry.message;
  const data = isPlainObject(message) ? message : { message };
  const name = eventName(data);
  return {
    type: name.usable ? name.value : channel,
    kind: "diagnostic",
    channel,
    timestamp: timeOr(entry.timestamp, fallbackTime),
    named: name.usable,
    ...(name.problem ? { parseError: name.problem } : {}),
    data,
  };
}

/** Identifies the invocation without reading its logs: they are hashed later, with the events. */
function fingerprintOf(script: string | null, started: number, invocation: Record<string, unknown>): string {
  const request = isPlainObject(invocation.request) ? invocation.request : undefined;
  const headers = request && isPlainObject(request.headers) ? request.headers : undefined;
  return [
    script,
    started,
    invocation.trigger,
    invocation.url,
    invocation.rpcMethod,
    invocation.scheduledTime,
    invocation.queue,
    invocation.batchSize,
    invocation.cron,
    invocation.mailFrom,
    invocation.webSocketEventType,
    invocation.entrypoint,
    invocation.executionModel,
    (invocation.scriptVersion as { id?: unknown } | null)?.id,
    invocation.logCount,
    invocation.exceptionCount,
    invocation.diagnosticsCount,
    invocation.status,
    invocation.outcome,
    invocation.truncated,
    invocation.cpuTime,
    invocation.wallTime,
    invocation.durableObjectId,
    headers?.["cf-ray"],
  ].join("|");
}
