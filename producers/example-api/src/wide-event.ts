/**
 * One wide event per request: the route adds what it learned, and the event is logged once, at
 * the end, as a single JSON line. do-tail names it by `_event` and archives the fields unchanged.
 * Deliberately not producers/lib/wide-event.ts: this producer shows that a Worker needs nothing
 * from this repository to be observed, only `console.log` and its `tail_consumers` line.
 */
export interface WideEvent {
  _event: string;
  requestId: string;
  method: string;
  path: string;
  status?: number;
  durationMs?: number;
  outcome?: "ok" | "error" | "exception";
  [field: string]: unknown;
}

export function startWideEvent(request: Request): WideEvent {
  const url = new URL(request.url);
  return {
    _event: "request_handled",
    requestId: request.headers.get("cf-ray") ?? crypto.randomUUID(),
    method: request.method,
    path: url.pathname,
  };
}

export function emitWideEvent(event: WideEvent): void {
  console.log(JSON.stringify(event));
}
