import { correlationFrom } from "../../lib/wide-event";
import { quotaExceeded, rateLimited } from "./guards";
import {
  connectSession,
  createSession,
  type Env,
  getSession,
  publishSession,
  type RouteContext,
  remixSession,
  updateSession,
} from "./session-routes";

export { SessionRoom } from "./session-room";

const SESSION_PATH = /^\/api\/sessions\/([\w-]{1,64})(\/publish|\/remix|\/ws)?$/;

/**
 * Session API example producer: sessions over HTTP (session_* wide events, error_* on failures)
 * and live sessions over WebSockets in a Durable Object (ws_*, sync_*, playback_* events).
 */
export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/health") return Response.json({ status: "ok", service: "session-api" });
    const ctx: RouteContext = {
      request,
      env,
      correlation: correlationFrom(request.headers),
      // Deployed, the colo the request reached; locally there is none, so traffic may name one.
      colo: (request.cf?.colo as string | undefined) ?? request.headers.get("x-colo") ?? undefined,
      simulateInvalid: request.headers.get("x-simulate") === "invalid",
    };
    const limited = await rateLimited(ctx, url.pathname.replace(/\/api\/sessions\/[^/]+/, "/api/sessions/:id"));
    if (limited) return limited;

    if (url.pathname === "/api/sessions" && request.method === "POST") return quotaExceeded(ctx, "create") ?? createSession(ctx);
    const match = SESSION_PATH.exec(url.pathname);
    if (!match) return Response.json({ error: "not found" }, { status: 404 });
    const [, id = "", action] = match;
    if (action === "/ws" && request.method === "GET") return connectSession(ctx, id);
    if (action === "/publish" && request.method === "POST") return quotaExceeded(ctx, "publish", id) ?? publishSession(ctx, id);
    if (action === "/remix" && request.method === "POST") return quotaExceeded(ctx, "remix", id) ?? remixSession(ctx, id);
    if (action === undefined && request.method === "GET") return getSession(ctx, id);
    if (action === undefined && request.method === "PUT") return quotaExceeded(ctx, "update", id) ?? updateSession(ctx, id);
    return Response.json({ error: "method not allowed" }, { status: 405 });
  },
} satisfies ExportedHandler<Env>;
