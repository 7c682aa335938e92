/**
 * Field names whose values never reach storage or forwarding. A key matches when, lowercased and
 * stripped of everything but letters and digits, it equals a name or ends with one: "x-api-key",
 * "githubToken" and "accesstoken" match, "tokenCount" does not; digits at the end are left out
 * ("X-Hub-Signature-256", "password2"). The plural of a name ("tokens",
 * "apiKeys") holds several secrets and counts: its strings are redacted, its numbers kept (see
 * field-verdicts.ts). REDACT_FIELDS adds names, matched the same way.
 */
export const DEFAULT_REDACT_FIELDS: readonly string[] = [
  "password",
  "passwd",
  "passphrase",
  "pwd",
  "pswd",
  // sshpass reads the password from SSHPASS.
  "sshpass",
  // Java's keytool and jarsigner: -storepass, -keypass, -deststorepass.
  "storepass",
  "keypass",
  "secret",
  "token",
  "authorization",
  "bearer",
  "cookie",
  "cookies",
  "csrf",
  "xsrf",
  "apikey",
  "accesskey",
  "privatekey",
  // Keys that are secrets by what they key: secretKey and SECRET_KEY, clientSecretKey, and the rest.
  "secretkey",
  "privkey",
  "encryptionkey",
  "signingkey",
  "masterkey",
  "hmackey",
  "sharedkey",
  "sessionkey",
  "authkey",
  "licensekey",
  // Rails' secret_key_base.
  "secretkeybase",
  // Azure Storage's AccountKey (also in its connection strings), Datadog's DD-APPLICATION-KEY,
  // a JWT's signing key, a TLS key as Kubernetes Secrets name it (tls.key).
  "accountkey",
  "applicationkey",
  "jwtkey",
  "tlskey",
  // Keys that services read from headers of their own: Azure API Management's
  // Ocp-Apim-Subscription-Key, Azure Functions' x-functions-key, Honeycomb's X-Honeycomb-Team,
  // admin, service and Supabase's service-role keys.
  "subscriptionkey",
  "functionskey",
  "honeycombteam",
  "adminkey",
  "servicekey",
  "servicerolekey",
  "hmac",
  "credential",
  "credentials",
  "creditcard",
  "cardnumber",
  "ccnumber",
  "cvv",
  "cvc",
  "securitycode",
  "pincode",
  "cardpin",
  "ssn",
  "otp",
  "passcode",
  "mfacode",
  "twofactorcode",
  "verificationcode",
  // OAuth's PKCE verifier, device and authorization codes, Firebase's out-of-band codes.
  "codeverifier",
  "devicecode",
  "authorizationcode",
  "oobcode",
  "totpseed",
  "socialsecuritynumber",
  // One-time codes sent to a person, by how they are sent.
  "otpcode",
  "smscode",
  "emailcode",
  "logincode",
  "onetimecode",
  "2facode",
  "authcode",
  // Cloudflare's challenge clearance cookie: whoever holds it passes the challenge.
  "cfclearance",
  "recoverycode",
  "recoverycodes",
  "backupcode",
  "backupcodes",
  "mnemonic",
  "seedphrase",
  "signature",
  "jwt",
  // cf-access-jwt-assertion and cf-access-authenticated-user-email (Cloudflare Access).
  "jwtassertion",
  "authenticateduseremail",
];

/**
 * Names too short or too common to match as a suffix ("bypass", "compass", "oauth", "npw"): they match
 * only as the last word of a key, words being split at separators and at lower-to-upper case
 * changes. "pass", "userPass", "user_pass", "x-sig", "basicAuth", "x-auth" match; "bypass",
 * "passengers", "oauth", "author", "authMethod" do not.
 */
export const WORD_REDACT_FIELDS: readonly string[] = ["pass", "sig", "auth", "pw"];

/**
 * Session ids: bearer credentials that also correlate a session's events, so their values are
 * replaced by a stable hash (`session:<hex>`) instead of being redacted. A key matches when its
 * normalised form ends with "sessionid" (`sessionId`, `session_id`, `parentSessionId`) or its last
 * word is "session" (`session`, `userSession`), or it is one of SESSION_NAMES; "sessionCount" and
 * "possession" do not.
 */
export const SESSION_ID_SUFFIX = "sessionid";
export const SESSION_WORD = "session";
/**
 * Session cookies named otherwise: PHP's `PHPSESSID`, Java's `JSESSIONID` (by the suffix), Express's
 * `connect.sid`; and cookies whose last word is `sess` (`express:sess`, `_gh_sess`). A bare `sid`
 * is not one: Twilio's and Socket.IO's ids are looked up by it.
 */
export const SESSION_NAMES: readonly string[] = ["sessid", "phpsessid", "connectsid"];
export const SESSION_COOKIE_WORD = "sess";

/**
 * Keys holding a client IP. Their values are replaced by a keyed hash (HMAC-SHA-256 with
 * IP_HASH_SALT), so events can still be grouped by client without the address being readable.
 */
export const IP_FIELDS: readonly string[] = [
  "cfconnectingip",
  "cfconnectingipv6",
  "xrealip",
  "xforwardedfor",
  "xclientip",
  "trueclientip",
  "clientip",
  "ip",
  "ipaddress",
  "remoteip",
  "remoteaddr",
  "userip",
  "sourceip",
];

/** The `Forwarded` header (RFC 7239): its `for=` and `by=` addresses are hashed like IPs. */
export const FORWARDED_FIELD = "forwarded";

/** "X-Api-Key" → "xapikey": the form names are compared in. */
export function normalizeFieldName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** The last word of a key, lowercased: "userPass" → "pass", "x_sig" → "sig", "bypass" → "bypass". */
export function lastWord(name: string): string {
  const words = name.match(/[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])/g);
  return words ? words[words.length - 1]!.toLowerCase() : "";
}
