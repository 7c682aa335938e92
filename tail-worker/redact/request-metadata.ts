import type { SecurityConfig } from "../../schemas/config/config";
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
  const { location, tls } = security.keepCf;
  if (isPlainObject(request.cf))
    dropKeys(
      request.cf,
      (key) => CERTIFICATE_CF_KEYS.has(key) || (!location && LOCATION_CF_SET.has(key)) || (!tls && TLS_FINGERPRINT_KEY.test(key)),
    );
  if (!location && isPlainObject(request.headers)) dropKeys(request.headers, (key) => LOCATION_HEADER_SET.has(key.toLowerCase()), 1);
}

function dropKeys(record: Record<string, unknown>, drop: (key: string) => boolean, depth = 4): void {
  for (const key of Object.keys(record)) {
    if (drop(key)) delete record[key];
    else if (depth > 1 && isPlainObject(record[key])) dropKeys(record[key] as Record<string, unknown>, drop, depth - 1);
  }
}
