import { newParsedEvent, type ParsedEvent } from "./parsed-event";
import { toPlain } from "./plain-value";
import { asNumber, asString, hasField, isPlainObject, type Problems, readField } from "./values";

/** The TraceItem fields the invocation record is made of, each read once (see parseTraceItem). */
export interface InvocationFields {
  event: unknown;
  outcome: unknown;
  cpuTime: unknown;
  wallTime: unknown;
  executionModel: unknown;
  entrypoint: unknown;
  scriptVersion: unknown;
  dispatchNamespace: unknown;
  scriptTags: unknown;
  durableObjectId: unknown;
  truncated: unknown;
}

export interface PartCounts {
  logs: number;
  exceptions: number;
  diagnostics: number;
}

/**
 * One event per TraceItem describing the invocation itself: trigger, outcome, timings, counts.
 * What the platform left empty (no entrypoint, namespace, tags or Durable Object, a version
 * without tag or message, logs not truncated) is left out rather than archived as null: most
 * invocations have none of it, and every event pays for its bytes in storage and CPU.
 */
export function parseInvocation(item: InvocationFields, counts: PartCounts, timestamp: number, problems: Problems): ParsedEvent {
  const data: Record<string, unknown> = {
    ...describeTrigger(item.event, problems),
    outcome: asString(item.outcome) ?? "unknown",
    cpuTime: asNumber(item.cpuTime) ?? null,
    wallTime: asNumber(item.wallTime) ?? null,
    executionModel: asString(item.executionModel) ?? null,
  };
  const entrypoint = asString(item.entrypoint);
  if (entrypoint !== undefined) data.entrypoint = entrypoint;
  if (isPlainObject(item.scriptVersion)) data.scriptVersion = versionOf(item.scriptVersion, problems);
  const dispatchNamespace = asString(item.dispatchNamespace);
  if (dispatchNamespace !== undefined) data.dispatchNamespace = dispatchNamespace;
  const scriptTags = stringsOf(item.scriptTags, problems);
  if (scriptTags.length > 0) data.scriptTags = scriptTags;
  const durableObjectId = asString(item.durableObjectId);
  if (durableObjectId !== undefined) data.durableObjectId = durableObjectId;
  data.logCount = counts.logs;
  data.exceptionCount = counts.exceptions;
  data.diagnosticsCount = counts.diagnostics;
  if (item.truncated === true) data.truncated = true;
  return newParsedEvent("invocation", "invocation", timestamp, false, data);
}

function versionOf(scriptVersion: object, problems: Problems): Record<string, string> {
  const version: Record<string, string> = {};
  for (const key of ["id", "tag", "message"] as const) {
    const value = asString(readField(scriptVersion, key, problems));
    if (value !== undefined) version[key] = value;
  }
  return version;
}

/** The trigger of an invocation and its details (method, URL and status for fetch, cron, queue, …). */
export function describeTrigger(event: unknown, problems: Problems): Record<string, unknown> {
  if (!isPlainObject(event)) return { trigger: "none" };
  const field = (record: object, key: string) => readField(record, key, problems);
  const request = field(event, "request");
  if (isPlainObject(request)) {
    const response = field(event, "response");
    const headers = field(request, "headers");
    const cf = field(request, "cf");
    return {
      trigger: "fetch",
      method: asString(field(request, "method")) ?? null,
      url: asString(field(request, "url")) ?? null,
      status: isPlainObject(response) ? (asNumber(field(response, "status")) ?? null) : null,
      request: {
        headers: headers !== null && typeof headers === "object" ? toPlain(headers, problems) : {},
        ...(cf !== null && typeof cf === "object" ? { cf: toPlain(cf, problems) } : {}),
      },
    };
  }
  if (hasField(event, "rpcMethod")) return { trigger: "rpc", rpcMethod: asString(field(event, "rpcMethod")) ?? null };
  if (hasField(event, "cron"))
    return { trigger: "scheduled", cron: asString(field(event, "cron")) ?? null, scheduledTime: timeOf(field(event, "scheduledTime")) };
  if (hasField(event, "queue"))
    return { trigger: "queue", queue: asString(field(event, "queue")) ?? null, batchSize: asNumber(field(event, "batchSize")) ?? null };
  if (hasField(event, "mailFrom")) {
    return {
      trigger: "email",
      mailFrom: asString(field(event, "mailFrom")) ?? null,
      rcptTo: asString(field(event, "rcptTo")) ?? null,
      rawSize: asNumber(field(event, "rawSize")) ?? null,
    };
  }
  if (hasField(event, "consumedEvents")) {
    const consumed = field(event, "consumedEvents");
    return { trigger: "tail", consumedEvents: Array.isArray(consumed) ? consumed.length : 0 };
  }
  const ws = field(event, "getWebSocketEvent");
  if (isPlainObject(ws)) {
    const wasClean = field(ws, "wasClean");
    return {
      trigger: "websocket",
      webSocketEventType: asString(field(ws, "webSocketEventType")) ?? null,
      code: asNumber(field(ws, "code")) ?? null,
      wasClean: typeof wasClean === "boolean" ? wasClean : null,
    };
  }
  if (hasField(event, "scheduledTime")) return { trigger: "alarm", scheduledTime: timeOf(field(event, "scheduledTime")) };
  return { trigger: "unknown", eventKeys: ownKeys(event).slice(0, 20) };
}

/** Epoch milliseconds of a number or a Date (an alarm's scheduledTime is a Date), else null. */
function timeOf(value: unknown): number | null {
  if (value instanceof Date) return asNumber(Date.prototype.getTime.call(value)) ?? null;
  return asNumber(value) ?? null;
}

function stringsOf(value: unknown, problems: Problems): string[] {
  const list = toPlain(value, problems);
  return Array.isArray(list) ? list.filter((t): t is string => typeof t === "string") : [];
}

function ownKeys(record: object): string[] {
  try {
    return Object.keys(record);
  } catch {
    return [];
  }
}
