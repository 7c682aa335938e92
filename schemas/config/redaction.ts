/**
 * Field names whose values never reach storage or forwarding. A key matches when, lowercased and
 * stripped of everything but letters and digits, it equals a name or ends with one: "x-api-key"
 * and "githubToken" match, "tokens" and "tokenCount" do not. REDACT_FIELDS adds names.
 */
export const DEFAULT_REDACT_FIELDS: readonly string[] = [
  "password",
  "passwd",
  "passphrase",
  "secret",
  "token",
  "authorization",
  "cookie",
  "apikey",
  "accesskey",
  "privatekey",
  "credential",
  "credentials",
  "creditcard",
  "cardnumber",
  "ccnumber",
  "cvv",
  "cvc",
  "ssn",
];

/**
 * Keys holding a client IP. Their values are replaced by a keyed hash (HMAC-SHA-256 with
 * IP_HASH_SALT), so events can still be grouped by client without the address being readable.
 */
export const IP_FIELDS: readonly string[] = [
  "cfconnectingip",
  "xrealip",
  "xforwardedfor",
  "trueclientip",
  "clientip",
  "ip",
  "ipaddress",
  "remoteip",
  "remoteaddr",
  "userip",
  "sourceip",
];

/** "X-Api-Key" → "xapikey": the form names are compared in. */
export function normalizeFieldName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}
