import { createHmac } from "node:crypto";

const MAX_CACHED = 10_000;
const cache = new Map<string, string>();

/**
 * A client IP as `ip:<16 hex>`: HMAC-SHA-256 keyed with IP_HASH_SALT, so the same address always
 * maps to the same value (events can be grouped by client) but cannot be read back or brute-forced
 * without the salt. Without a salt there is nothing safe to hash with: the address is redacted.
 */
export function hashIp(ip: string, salt: string | undefined): string {
  if (salt === undefined) return "[REDACTED]";
  const cacheKey = `${salt.length}:${salt}\u0000${ip}`;
  let hashed = cache.get(cacheKey);
  if (hashed === undefined) {
    hashed = `ip:${createHmac("sha256", salt).update(ip.trim()).digest("hex").slice(0, 16)}`;
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(cacheKey, hashed);
  }
  return hashed;
}
