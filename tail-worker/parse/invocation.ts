import { setOwn } from "../../schemas/lib/own-property";
import type { ParsedEvent } from "./parsed-event";
import { asArray, asNumber, asString, isPlainObject } from "./values";

/** request.cf blocks that describe client certificates: no observability value, possibly sensitive. */
const DROPPED_CF_KEYS = new Set(["tlsClientAuth", "tlsExportedAuthenticator"]);

/** One event per TraceItem describing the invocation itself: trigger, outcome, timings, counts. */
export function parseInvocation(item: Record<string, unknown>, timestamp: number): ParsedEvent {
  const scriptVersion = isPlainObject(item.scriptVersion) ? item.scriptVersion : undefined;
  const data: Record<string, unknown> = {
    ...describeTrigger(item.event),
    outcome: asString(item.outcome) ?? "unknown",
    cpuTime: asNumber(item.cpuTime) ?? null,
    wallTime: asNumber(item.wallTime) ?? null,
    executionModel: asString(item.executionModel) ?? null,
    entrypoint: asString(item.entrypoint) ?? null,
    scriptVersion: scriptVersion
      ? {
          id: asString(scriptVersion.id) ?? null,
          tag: asString(scriptVersion.tag) ?? null,
          message: asString(scriptVersion.message) ?? null,
        }
      : null,
    dispatchNamespace: asString(item.dispatchNamespace) ?? null,
    scriptTags: asArray(item.scriptTags).filter((t) => typeof t === "string"),
    durableObjectId: asString(item.durableObjectId) ?? null,
    logCount: asArray(item.logs).length,
    exceptionCount: asArray(item.exceptions).length,
    diagnosticsCount: asArray(item.diagnosticsChannelEvents).length,
    truncated: item.truncated === true,
  };
  return { type: "invocation", kind: "invocation", timestamp, named: false, data };
}

/** The trigger of an invocation and its details (method, URL and status for fetch, cron, queue, …). */
export function describeTrigger(event: unknown): Record<string, unknown> {
  if (!isPlainObject(event)) return { trigger: "none" };
  if (isPlainObject(event.request)) {
    const request = event.request;
    const response = isPlainObject(event.response) ? event.response : undefined;
    return {
      trigger: "fetch",
      method: asString(request.method) ?? null,
      url: asString(request.url) ?? null,
      status: response ? (asNumber(response.status) ?? null) : null,
      request: { headers: isPlainObject(request.headers) ? request.headers : {}, cf: cleanCf(request.cf) },
    };
  }
  if ("rpcMethod" in event) return { trigger: "rpc", rpcMethod: asString(event.rpcMethod) ?? null };
  if ("cron" in event)
    return { trigger: "scheduled", cron: asString(event.cron) ?? null, scheduledTime: asNumber(event.scheduledTime) ?? null };
  if ("queue" in event) return { trigger: "queue", queue: asString(event.queue) ?? null, batchSize: asNumber(event.batchSize) ?? null };
  if ("mailFrom" in event) {
    return {
      trigger: "email",
      mailFrom: asString(event.mailFrom) ?? null,
      rcptTo: asString(event.rcptTo) ?? null,
      rawSize: asNumber(event.rawSize) ?? null,
    };
  }
  if ("consumedEvents" in event) return { trigger: "tail", consumedEvents: asArray(event.consumedEvents).length };
  if (isPlainObject(event.getWebSocketEvent)) {
    const ws = event.getWebSocketEvent;
    return {
      trigger: "websocket",
      webSocketEventType: asString(ws.webSocketEventType) ?? null,
      code: asNumber(ws.code) ?? null,
      wasClean: typeof ws.wasClean === "boolean" ? ws.wasClean : null,
    };
  }
  if ("scheduledTime" in event) return { trigger: "alarm", scheduledTime: asNumber(event.scheduledTime) ?? null };
  return { trigger: "unknown", eventKeys: Object.keys(event).slice(0, 20) };
}

function cleanCf(cf: unknown): Record<string, unknown> | null {
  if (!isPlainObject(cf)) return null;
  if (!Object.hasOwn(cf, "tlsClientAuth") && !Object.hasOwn(cf, "tlsExportedAuthenticator")) return cf;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(cf)) {
    if (!DROPPED_CF_KEYS.has(key)) setOwn(kept, key, value);
  }
  return kept;
}
