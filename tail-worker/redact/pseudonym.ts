import { createHash, createHmac } from "node:crypto";

const MAX_CACHED = 10_000;
const cache = new Map<string, string>();

function cached(key: string, compute: () => string): string {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute();
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, value);
  }
  return value;
}

/**
 * A client IP as `ip:<16 hex>`: HMAC-SHA-256 keyed with IP_HASH_SALT, so the same address always
 * maps to the same value (events can be grouped by client) but cannot be read back or brute-forced
 * without the salt. Without a salt there is nothing safe to hash with: the address is redacted.
 */
export function hashIp(ip: string, salt: string | undefined): string {
  if (salt === undefined) return "[REDACTED]";
  return cached(
    `ip\u0000${salt.length}:${salt}\u0000${ip}`,
    () => `ip:${createHmac("sha256", salt).update(ip.trim()).digest("hex").slice(0, 16)}`,
  );
}

/**
 * A session id as `session:<16 hex>`: a session id is a bearer credential, yet it is also what
 * correlates a session's events, so it is replaced by a stable hash rather than dropped. Keyed with
 * IP_HASH_SALT when set; without it SHA-256 alone, which cannot be reversed for the random,
 * high-entropy ids sessions use (a guessable id was no secret to begin with).
 */
export function hashSessionId(id: string, salt: string | undefined): string {
  return cached(`session\u0000${salt?.length ?? -1}:${salt ?? ""}\u0000${id}`, () => {
    const digest = salt === undefined ? createHash("sha256").update(id) : createHmac("sha256", salt).update(id);
    return `session:${digest.digest("hex").slice(0, 16)}`;
  });
}
