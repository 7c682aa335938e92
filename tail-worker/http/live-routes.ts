import type { IRequest } from "itty-router";
import { loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import { LIVE_NONCE_HEADER, LIVE_SUBPROTOCOL, LIVE_TICKET_PROTOCOL_PREFIX } from "../../schemas/live/protocol";
import { LIVE_HUB_NAME } from "../../schemas/live/streams";
import { json, problem } from "./json";
import { type LiveTicket, mintTicket } from "./live-ticket";

/** A request the auth middleware let through on a live ticket carries it here, for the hub to use it up. */
export type LiveRequest = IRequest & { liveTicket?: LiveTicket };

/** GET /live: the WebSocket of a live stream, held by the hub (see README, Live stream). */
export async function openLiveStream(request: LiveRequest, env: Env): Promise<Response> {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return problem(
      426,
      `GET /live is a WebSocket: connect with a WebSocket client offering the subprotocols "${LIVE_SUBPROTOCOL}" and "${LIVE_TICKET_PROTOCOL_PREFIX}<ticket from POST /live/ticket>"`,
    );
  }
  const headers = new Headers(request.headers);
  headers.delete(LIVE_NONCE_HEADER);
  if (request.liveTicket) headers.set(LIVE_NONCE_HEADER, `${request.liveTicket.nonce}.${request.liveTicket.expires}`);
  const hub = env.LIVE_HUB.get(env.LIVE_HUB.idFromName(LIVE_HUB_NAME));
  const answer = await hub.fetch(new Request(request.url, { headers }));
  // The hub (collector-do/live/hub/) says why it refused a stream as text: answered as a problem.
  return answer.status === 101 ? answer : problem(answer.status, await answer.text());
}

/** POST /live/ticket: a single-use ticket, valid 60 s, that opens one live stream (GET /live). */
export async function issueLiveTicket(_request: Request, env: Env): Promise<Response> {
  const { ticket, expiresAt } = await mintTicket(loadConfig(env).security.adminToken);
  return json({
    ticket,
    expiresAt: new Date(expiresAt).toISOString(),
    protocols: [LIVE_SUBPROTOCOL, `${LIVE_TICKET_PROTOCOL_PREFIX}${ticket}`],
  });
}
