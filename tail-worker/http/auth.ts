import type { IRequest } from "itty-router";
import { loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import { problem } from "./json";
import { offeredTicket, verifyTicket } from "./live-ticket";

/**
 * Routes anyone may call, as "METHOD /path". Everything else needs the admin token: a route is
 * protected unless it is listed here, so a new route cannot be left open by forgetting a check.
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(["GET /health"]);

/**
 * Routes that also take a live ticket (POST /live/ticket) instead of the bearer token: a browser
 * cannot set headers on a WebSocket, so it offers the ticket as a subprotocol (see live-ticket.ts).
 */
export const TICKET_ROUTES: ReadonlySet<string> = new Set(["GET /live"]);

/**
 * Router middleware: answers 401/403 when the bearer token is missing or wrong, and fails closed
 * (503) in production when no ADMIN_TOKEN is set. Local development without a token is open.
 */
export async function requireAdmin(request: IRequest, env: Env): Promise<Response | undefined> {
  if (PUBLIC_ROUTES.has(`${request.method} ${new URL(request.url).pathname}`)) return undefined;
  const { environment, security } = loadConfig(env);
  if (security.adminToken === undefined) {
    if (environment === "development") return undefined;
    return problem(
      503,
      "ADMIN_TOKEN is not set, so every route but /health is closed in production. Set it with: npx wrangler secret put ADMIN_TOKEN -c wrangler.tail.toml",
    );
  }
  const ticket = TICKET_ROUTES.has(`${request.method} ${new URL(request.url).pathname}`) ? offeredTicket(request) : undefined;
  if (ticket !== undefined) {
    const verified = await verifyTicket(ticket, security.adminToken);
    if (verified === undefined) return problem(403, "the live ticket is wrong or expired: get a new one with POST /live/ticket");
    request.liveTicket = verified;
    return undefined;
  }
  const supplied = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1]?.trim();
  if (supplied === undefined) {
    const response = problem(401, "this route needs Authorization: Bearer <ADMIN_TOKEN>");
    response.headers.set("www-authenticate", 'Bearer realm="do-tail"');
    return response;
  }
  if (!(await sameSecret(supplied, security.adminToken))) return problem(403, "the admin token is wrong");
  return undefined;
}

/** Constant-time comparison: both sides are hashed first so that their lengths match too. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(ha, hb);
}
