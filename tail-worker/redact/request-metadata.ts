import type { SecurityConfig } from "../../schemas/config/config";
import { boundedMemo } from "../../schemas/lib/bounded-memo";
import { setOwn } from "../../schemas/lib/own-property";
import { isPlainObject } from "../parse/values";

/** request.cf blocks about client certificates: no observability value, possibly sensitive; always dropped. */
const CERTIFICATE_CF_KEYS = new Set(["tlsClientAuth", "tlsExportedAuthenticator"]);
/** request.cf fields that locate a person more finely than a region; kept only with KEEP_CF_FIELDS=location. */
export const LOCATION_CF_KEYS: readonly string[] = ["latitude", "longitude", "postalCode", "city", "metroCode"];
/** The same, as Cloudflare's visitor-location request headers. */
export const LOCATION_HEADERS: readonly string[] = ["cf-ipcity", "cf-iplatitude", "cf-iplongitude", "cf-postal-code", "cf-metro-code"];
/**
 * TLS fingerprints, which single out a client across sites: tlsClientRandom, tlsClientHelloLength,
 * tlsClientExtensionsSha1(Le), tlsClientCiphersSha1, and botManagement's ja3Hash, ja4, ja4Signals.
 * Kept only with KEEP_CF_FIELDS=tls.
 */
const TLS_FINGERPRINT_KEY = /^(?:tlsClient(?!Auth$)\w*|ja[34]\w*)$/;

const LOCATION_CF_SET = new Set(LOCATION_CF_KEYS);
const LOCATION_HEADER_SET = new Set(LOCATION_HEADERS);

/**
 * Drops from an invocation's request metadata what locates or fingerprints a person, unless a
 * setting keeps it: request.cf's location fields and TLS fingerprints (at any depth of cf, so
 * botManagement's too), and the visitor-location headers.
 */
export function dropPersonalRequestMetadata(data: Record<string, unknown>, security: SecurityConfig): void {
  const request = data.request;
  if (!isPlainObject(request)) return;
  const rules = rulesFor(security);
  if (isPlainObject(request.cf)) request.cf = withoutKeys(request.cf, rules.cf, 4);
  if (!security.keepCf.location && isPlainObject(request.headers)) request.headers = withoutKeys(request.headers, rules.headers, 1);
}

/** Whether to drop a key, decided once per key: cf and header names repeat from request to request. */
type KeyRule = (key: string) => boolean;

const MAX_DECIDED = 1_000;
const rulesByConfig = new WeakMap<SecurityConfig, { cf: KeyRule; headers: KeyRule }>();

function rulesFor(security: SecurityConfig): { cf: KeyRule; headers: KeyRule } {
  let rules = rulesByConfig.get(security);
  if (!rules) {
    const { location, tls } = security.keepCf;
    rules = {
      cf: decidedOnce(
        (key) => CERTIFICATE_CF_KEYS.has(key) || (!location && LOCATION_CF_SET.has(key)) || (!tls && TLS_FINGERPRINT_KEY.test(key)),
      ),
      headers: decidedOnce((key) => LOCATION_HEADER_SET.has(key.toLowerCase())),
    };
    rulesByConfig.set(security, rules);
  }
  return rules;
}

function decidedOnce(rule: KeyRule): KeyRule {
  return boundedMemo(rule, MAX_DECIDED);
}

/**
 * The record without the keys `drop` names, at up to `depth` levels: the record itself when none
 * is there, else a copy (deleting keys would slow every later read of the object).
 */
function withoutKeys(record: Record<string, unknown>, drop: KeyRule, depth: number): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = record[key];
    const kept = drop(key) ? undefined : depth > 1 && isPlainObject(value) ? withoutKeys(value, drop, depth - 1) : value;
    if (out === undefined && kept === value) continue;
    if (out === undefined) {
      out = {};
      for (let j = 0; j < i; j++) setOwn(out, keys[j]!, record[keys[j]!]);
    }
    if (kept !== undefined) setOwn(out, key, kept);
  }
  return out ?? record;
}
