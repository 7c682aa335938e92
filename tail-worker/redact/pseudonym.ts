import { boundedMemo } from "../../schemas/lib/bounded-memo";
import { hmacSha256Hex, sha256Hex } from "./sha256";

/** Pseudonyms repeat (a client's IP, a session's id across its events): each is computed once. */
const cached = (compute: (value: string) => string) => boundedMemo(compute, 10_000);

/**
 * Client IPs as `ip:<16 hex>`: HMAC-SHA-256 keyed with IP_HASH_SALT, so the same address always
 * maps to the same value (events can be grouped by client) but cannot be read back or brute-forced
 * without the salt. Without a salt there is nothing safe to hash with: the address is redacted.
 */
export function ipHasher(salt: string | undefined): (ip: string) => string {
  if (salt === undefined) return () => "[REDACTED]";
  const hmac = hmacSha256Hex(salt, 16);
  return cached((ip) => `ip:${hmac(ip.trim())}`);
}

/**
 * Session ids as `session:<16 hex>`: a session id is a bearer credential, yet it is also what
 * correlates a session's events, so it is replaced by a stable hash rather than dropped.
 */
export function sessionHasher(salt: string | undefined): (id: string) => string {
  return credentialHasher("session", salt);
}

/**
 * A field name that is itself a credential (a map keyed by API key) as `secret:<16 hex>`: the
 * value under it is kept, and such names stay apart from one another.
 */
export function secretNameHasher(salt: string | undefined): (name: string) => string {
  return credentialHasher("secret", salt);
}

/**
 * `<prefix>:<16 hex>`, keyed with IP_HASH_SALT when set; without it SHA-256 alone, which cannot
 * be reversed for the random, high-entropy credentials this is used for (a guessable one was no
 * secret to begin with).
 */
function credentialHasher(prefix: string, salt: string | undefined): (credential: string) => string {
  const hash = salt === undefined ? (credential: string) => sha256Hex(credential, 16) : hmacSha256Hex(salt, 16);
  return cached((credential) => `${prefix}:${hash(credential)}`);
}
