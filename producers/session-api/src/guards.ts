import { WideEvent } from "../../lib/wide-event";
import type { RouteContext } from "./session-routes";

const WINDOW_SECONDS = 10;
const REQUESTS_PER_WINDOW = 60;

/** Requests per client in the current window, per isolate: enough for an example, not for production. */
const windows = new Map<string, { start: number; count: number }>();

/**
 * Answers 429 with an `error_rate_limit` when a client (x-client-id, else its address) passed its
 * budget for the window; undefined when the request may go on.
 */
export async function rateLimited(ctx: RouteContext, endpoint: string): Promise<Response | undefined> {
  const client = ctx.request.headers.get("x-client-id") ?? ctx.request.headers.get("cf-connecting-ip") ?? "unknown";
  const now = Date.now();
  let window = windows.get(client);
  if (!window || now - window.start >= WINDOW_SECONDS * 1000) {
    window = { start: now, count: 0 };
    windows.set(client, window);
  }
  window.count++;
  if (window.count <= REQUESTS_PER_WINDOW) return undefined;
  const retryAfter = Math.ceil((window.start + WINDOW_SECONDS * 1000 - now) / 1000);
  new WideEvent("error_rate_limit", ctx.correlation, {
    clientIp: await sha256Hex(client),
    endpoint,
    requestsInWindow: window.count,
    windowDuration: WINDOW_SECONDS,
    retryAfter,
    colo: ctx.colo,
  }).emit();
  return Response.json({ error: "rate limited" }, { status: 429, headers: { "retry-after": String(retryAfter) } });
}

/**
 * `x-simulate: quota` stands in for the storage write quota running out: 503 with an
 * `error_quota_exceeded` whose retryAfter is the time to midnight UTC, when the quota resets.
 */
export function quotaExceeded(
  ctx: RouteContext,
  operation: "create" | "update" | "remix" | "publish",
  sessionId?: string,
): Response | undefined {
  if (ctx.request.headers.get("x-simulate") !== "quota") return undefined;
  const now = new Date();
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  const retryAfter = Math.ceil((midnight - now.getTime()) / 1000);
  new WideEvent("error_quota_exceeded", ctx.correlation, {
    sessionId,
    operation,
    quotaType: "kv_writes",
    retryAfter,
    colo: ctx.colo,
  }).emit();
  return Response.json({ error: "daily write quota exceeded" }, { status: 503, headers: { "retry-after": String(retryAfter) } });
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("")
    .slice(0, 16);
}
