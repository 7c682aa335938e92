/**
 * Recent errors from archived envelopes: one entry per exception, per failed invocation and per
 * other error event. A failed invocation takes its message from the invocation's own exception or
 * from the `error` field of its wide event, so that a request that threw reads as what it threw,
 * locally too (where wrangler turns an uncaught exception into a plain 500 without an exception).
 */
const CLIENT_GONE = new Set(["ok", "canceled", "responseStreamDisconnected"]);

function failedInvocation(event) {
  const data = event.data ?? {};
  return event.kind === "invocation" && (!CLIENT_GONE.has(data.outcome) || (typeof data.status === "number" && data.status >= 500));
}

function errorText(event) {
  const error = event.data?.error;
  if (typeof error === "string" && error !== "") return error;
  if (error && typeof error === "object") return typeof error.message === "string" ? error.message : JSON.stringify(error);
  return undefined;
}

/** Whether an envelope reports an error (a CRITICAL Financial.* event, say, does not). */
export function isError(event) {
  if (event.kind === "exception" || failedInvocation(event) || event.level === "error") return true;
  if (/fail|error|exception/i.test(event.type ?? "")) return true;
  const status = event.data?.status;
  return errorText(event) !== undefined && (typeof status !== "number" || status >= 500);
}

function requestOf(event) {
  const data = event.data ?? {};
  if (!data.method) return String(data.trigger ?? "invocation");
  try {
    const url = new URL(data.url);
    return `${data.method} ${url.host}${url.pathname}`;
  } catch {
    return `${data.method} ${data.url ?? ""}`;
  }
}

function resultOf(invocation) {
  const data = invocation.data ?? {};
  return `${data.status ?? "no response"}${data.outcome && data.outcome !== "ok" ? ` ${data.outcome}` : ""}`;
}

/** Where a non-request event happened, when its fields say (a heartbeat's URL, a wide event's path). */
function where(event) {
  const data = event.data ?? {};
  const place = [data.monitorId, data.region, data.url ?? data.path].filter((v) => typeof v === "string" && v !== "");
  return place.length === 0 ? undefined : place.join(" ");
}

function describe(event) {
  const data = event.data ?? {};
  if (event.kind === "exception") return `${data.name ?? "Error"}: ${data.message ?? ""}`;
  // The entry shows the type beside the message: the message need not repeat it.
  const detail = event.text ?? errorText(event) ?? data.message ?? data.reason;
  if (detail !== undefined) return typeof detail === "string" ? detail : JSON.stringify(detail);
  const fields = Object.entries(data).filter(([key]) => key !== "_event");
  return fields.length === 0 ? "(no details)" : JSON.stringify(Object.fromEntries(fields)).slice(0, 200);
}

/**
 * Entries { id, timestamp, script, type, importance, message, context }, newest first, from the
 * events of one or more /query answers (duplicates by id are dropped).
 */
export function errorEntries(events, limit = 15) {
  const byId = new Map();
  for (const e of events) if (e && typeof e === "object" && typeof e.id === "string") byId.set(e.id, e);
  const byInvocation = new Map();
  for (const e of byId.values()) {
    const list = byInvocation.get(e.invocationId) ?? [];
    list.push(e);
    byInvocation.set(e.invocationId, list);
  }
  const entries = [];
  for (const group of byInvocation.values()) {
    const invocation = group.find(failedInvocation);
    const exceptions = group.filter((e) => e.kind === "exception");
    const cause =
      invocation && exceptions.length === 0 ? group.find((e) => e.kind !== "invocation" && errorText(e) !== undefined) : undefined;
    const request = invocation ? `${requestOf(invocation)} → ${resultOf(invocation)}` : undefined;
    for (const e of exceptions) entries.push(entry(e, describe(e), request));
    if (invocation && exceptions.length === 0) entries.push(entry(invocation, cause ? errorText(cause) : request, request));
    // A wide event that repeats an exception's message says nothing new.
    const explained = new Set(exceptions.map((e) => e.data?.message).filter((m) => typeof m === "string" && m !== ""));
    for (const e of group) {
      if (e === invocation || e === cause || e.kind === "exception" || !isError(e) || explained.has(errorText(e) ?? "")) continue;
      entries.push(entry(e, describe(e), request ?? where(e)));
    }
  }
  return entries.sort((a, b) => b.timestamp - a.timestamp).slice(0, limit);
}

function entry(event, message, context) {
  return {
    id: event.id,
    timestamp: event.timestamp,
    script: event.script ?? null,
    type: event.type,
    kind: event.kind,
    importance: event.importance,
    message,
    context,
  };
}
