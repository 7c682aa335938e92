import { attemptRequest, type Fetcher } from "../../../schemas/lib/http-attempt";
import type { AttemptOutcome, BackoffPolicy } from "../../../schemas/lib/retry";

/**
 * Retries of a notification, from the AlertState alarm: full jitter (backoffDelayMs) from 2 s
 * doubling up to 10 minutes, 30 attempts in all, which spans about one to three hours.
 */
export const DELIVERY_BACKOFF: BackoffPolicy = { baseDelayMs: 2_000, maxDelayMs: 600_000, minDelayMs: 1_000 };
export const DELIVERY_ATTEMPTS = 30;
export const DELIVERY_TIMEOUT_MS = 10_000;

export const SIGNATURE_HEADER = "x-do-tail-signature";
export const NOTIFICATION_ID_HEADER = "x-do-tail-notification-id";

/** `sha256=<hex HMAC-SHA-256 of the body>` under ALERT_WEBHOOK_SECRET. */
export async function signature(secret: string, body: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body)));
  return `sha256=${Array.from(mac, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/** One POST of a notification; signed when a secret is set. */
export async function postNotification(
  fetcher: Fetcher,
  destination: string,
  notificationId: string,
  body: string,
  secret: string | undefined,
): Promise<AttemptOutcome<number>> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "do-tail-alerts",
    [NOTIFICATION_ID_HEADER]: notificationId,
  };
  if (secret !== undefined) headers[SIGNATURE_HEADER] = await signature(secret, body);
  return attemptRequest(fetcher, destination, { method: "POST", headers, body }, DELIVERY_TIMEOUT_MS);
}

/** A destination as GET /alerts and the test route show it: a Slack webhook's path is its credential. */
export function redactDestination(destination: string): string {
  const url = new URL(destination);
  return url.pathname === "/" && url.search === "" ? url.origin : `${url.origin}/…`;
}
