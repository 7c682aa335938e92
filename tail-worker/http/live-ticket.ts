import { LIVE_TICKET_PROTOCOL_PREFIX, offeredProtocols } from "../../schemas/live/protocol";

/**
 * Tickets for `GET /live`. A browser cannot set an Authorization header on a WebSocket, and the
 * admin token must never sit in a URL (logs, history, Referer). So a client that holds the token
 * asks `POST /live/ticket` (bearer-authenticated like every route) for a ticket: a nonce and an
 * expiry signed with HMAC-SHA-256 under a key derived from ADMIN_TOKEN, valid for 60 s and once
 * (the hub records used nonces). The client offers it as a WebSocket subprotocol,
 * `ticket.<ticket>`, beside `do-tail.live.v1`: a header, not the URL.
 */
export const LIVE_TICKET_TTL_MS = 60_000;

export interface LiveTicket {
  nonce: string;
  expires: number;
}

const encoder = new TextEncoder();
/** Without ADMIN_TOKEN (local development, open) tickets are not checked; they are signed with a key of this isolate. */
let unsetTokenKey: Uint8Array | undefined;

async function signingKey(adminToken: string | undefined): Promise<CryptoKey> {
  const secret = adminToken === undefined ? (unsetTokenKey ??= crypto.getRandomValues(new Uint8Array(32))) : encoder.encode(adminToken);
  // A key of its own for tickets, so a ticket's signature says nothing usable about the token itself.
  const base = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const derived = await crypto.subtle.sign("HMAC", base, encoder.encode("do-tail live ticket v1"));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

export async function mintTicket(adminToken: string | undefined, now = Date.now()): Promise<{ ticket: string; expiresAt: number }> {
  const nonce = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const expiresAt = now + LIVE_TICKET_TTL_MS;
  const payload = `${nonce}.${expiresAt.toString(36)}`;
  const signature = await crypto.subtle.sign("HMAC", await signingKey(adminToken), encoder.encode(payload));
  return { ticket: `${payload}.${base64url(new Uint8Array(signature))}`, expiresAt };
}

/** The ticket's nonce and expiry when it is well formed, signed with this token's key and not expired. */
export async function verifyTicket(ticket: string, adminToken: string | undefined, now = Date.now()): Promise<LiveTicket | undefined> {
  const match = /^([A-Za-z0-9_-]{22})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
  if (!match) return undefined;
  const [, nonce, expiry, signature] = match as unknown as [string, string, string, string];
  const expires = Number.parseInt(expiry, 36);
  if (!(expires > now) || expires > now + LIVE_TICKET_TTL_MS) return undefined;
  const valid = await crypto.subtle.verify(
    "HMAC",
    await signingKey(adminToken),
    fromBase64url(signature),
    encoder.encode(`${nonce}.${expiry}`),
  );
  return valid ? { nonce, expires } : undefined;
}

/** The ticket a WebSocket client offered among its subprotocols, if any. */
export function offeredTicket(request: Request): string | undefined {
  return offeredProtocols(request)
    .find((p) => p.startsWith(LIVE_TICKET_PROTOCOL_PREFIX))
    ?.slice(LIVE_TICKET_PROTOCOL_PREFIX.length);
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
