import { describe, expect, it } from "vitest";
import { archivedEvents } from "./helpers/tail-path";
import { log, traceItem } from "./helpers/trace-items";

const S = "Vq8secretValue42";

/** The archived data of one JSON line holding `S` under each name. */
function archivedUnder(names: readonly string[]): Record<string, unknown> {
  const line = JSON.stringify({ _event: "names", ...Object.fromEntries(names.map((name) => [name, S])) });
  return archivedEvents(traceItem({ logs: [log("log", line)] }))[1]!.data;
}

describe("field names that say a value is a secret", () => {
  it("redacts keys that are secrets by what they key, cookies, CSRF tokens and recovery material", () => {
    const names = [
      "secretKey",
      "SECRET_KEY",
      "aws_secret_key",
      "clientSecretKey",
      "encryptionKey",
      "SIGNING_KEY",
      "masterKey",
      "hmacKey",
      "privKey",
      "sharedKey",
      "sessionKey",
      "authKey",
      "licenseKey",
      "bearer",
      "cookies",
      "csrf",
      "x-xsrf",
      "passcode",
      "mfaCode",
      "twoFactorCode",
      "verificationCode",
      "recoveryCodes",
      "backup_codes",
      "mnemonic",
      "SSHPASS",
      "seedPhrase",
      "securityCode",
      "pinCode",
      "cardPin",
    ];
    const data = archivedUnder(names);
    for (const name of names) expect(data[name], name).toBe("[REDACTED]");
  });

  it("redacts the headers services read their keys from, and a secret's name with digits at its end", () => {
    const names = [
      "Ocp-Apim-Subscription-Key",
      "x-functions-key",
      "X-Honeycomb-Team",
      "x-admin-key",
      "SUPABASE_SERVICE_ROLE_KEY",
      "serviceKey",
      "x-hmac",
      "X-Hub-Signature-256",
      "password2",
      "CVV2",
      "storepass",
      "keypass",
      "pass1",
      "pass2",
      "user_pass2",
      "X-Sig-256",
      "x-auth-2",
    ];
    const data = archivedUnder(names);
    for (const name of names) expect(data[name], name).toBe("[REDACTED]");
  });

  it("redacts auth only as a key's last word, sparing its look-alikes", () => {
    const secret = ["auth", "basicAuth", "BASIC_AUTH", "x-auth", "proxy_auth"];
    const plain = ["oauth", "author", "authMethod", "authorName", "authorization_url"];
    const data = archivedUnder([...secret, ...plain]);
    for (const name of secret) expect(data[name], name).toBe("[REDACTED]");
    for (const name of plain) expect(data[name], name).toBe(S);
  });

  it("keeps keys that name no secret: key ids, cache and idempotency keys, public keys, map pins", () => {
    const plain = [
      "key",
      "keyId",
      "secretKeyId",
      "cacheKey",
      "idempotencyKey",
      "publicKey",
      "code",
      "errorCode",
      "salt",
      "seed",
      "pin",
      "mapPin",
      "auth0",
      "sha256",
      "base64",
      "hmacAlgorithm",
    ];
    const data = archivedUnder(plain);
    for (const name of plain) expect(data[name], name).toBe(S);
  });

  it("redacts a secret's name followed by a word that says how its value is held: a header, a value, a confirmation, an encoding, a version", () => {
    const secret = [
      "authHeader",
      "AUTH_HEADER",
      "authorizationHeader",
      "cookieHeader",
      "setCookieHeader",
      "password_confirmation",
      "passwordConfirmation",
      "passwordRepeat",
      "secret_key_base",
      "privateKeyPem",
      "tokenValue",
      "secretValue",
      "SecretString",
      "mfaSecretBase32",
      "apiKeyV2",
      "api_key_v2",
      "privateKeyJwk",
    ];
    const plain = [
      "cacheValue",
      "headerValue",
      "tokenCount",
      "tokenType",
      "tokenSha256",
      "passwordResetAt",
      "secretName",
      "cookieConsent",
      "database",
      "overvalue",
    ];
    const data = archivedUnder([...secret, ...plain]);
    for (const name of secret) expect(data[name], name).toBe("[REDACTED]");
    for (const name of plain) expect(data[name], name).toBe(S);
  });

  it("keeps a header's name under a name ending in header (config naming headers), and redacts any other value there", () => {
    const config = {
      apiKeyHeader: "x-api-key",
      signatureHeader: "X-Hub-Signature-256",
      authHeader: "Authorization",
      csrfHeader: "x-csrf-token",
      authBase: "/api/auth",
      tokenSha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    };
    const secrets = {
      userAuthHeader: "Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
      cookieHeader: "sid=abc; theme=dark",
      password_confirmation: "Zq8vN2pLx7Rt4Kw",
      apiKeyV2: "short9Key",
      proxyAuthHeader: "letmein",
    };
    const line = JSON.stringify({ _event: "config", ...config, ...secrets });
    const data = archivedEvents(traceItem({ logs: [log("log", line)] }))[1]!.data;
    expect(data).toEqual({ _event: "config", ...config, ...Object.fromEntries(Object.keys(secrets).map((k) => [k, "[REDACTED]"])) });
    // A header list under such a name is walked: its pairs and entries decide.
    const lists = JSON.stringify({
      _event: "request",
      authHeaders: [["Authorization", "Bearer abcdef123456"]],
      cookieHeaders: [{ name: "Cookie", value: "sid=abc123def" }],
    });
    const listed = archivedEvents(traceItem({ logs: [log("log", lists)] }))[1]!.data;
    expect(listed).toEqual({
      _event: "request",
      authHeaders: [["Authorization", "[REDACTED]"]],
      cookieHeaders: [{ name: "Cookie", value: "[REDACTED]" }],
    });
  });

  it("keeps words that hold no secret under a secret's name: flags and modes written as text", () => {
    const words = { "access-control-allow-credentials": "true", credentials: "include", auth: "none", password: "" };
    const line = JSON.stringify({ _event: "words", ...words, token: "false" });
    const data = archivedEvents(
      traceItem({ logs: [log("log", line), log("log", `headers: ${JSON.stringify([["access-control-allow-credentials", "true"]])}`)] }),
    );
    expect(data[1]!.data).toEqual({ _event: "words", ...words, token: "false" });
    expect(data[2]!.text).toBe('headers: [["access-control-allow-credentials","true"]]');
  });

  it("redacts Azure's AccountKey, Datadog's application key, OAuth's code verifier and device code, a TLS key, pw and pswd", () => {
    const secret = [
      "AccountKey",
      "DD-APPLICATION-KEY",
      "jwtKey",
      "tls.key",
      "code_verifier",
      "device_code",
      "oobCode",
      "authorization_code",
      "totpSeed",
      "social_security_number",
      "otpCode",
      "smsCode",
      "login_code",
      "cf_clearance",
      "pw",
      "userPw",
      "pswd",
    ];
    const data = archivedUnder(secret);
    for (const name of secret) expect(data[name], name).toBe("[REDACTED]");
  });

  it("hashes session cookies named otherwise as session ids, and keeps ids named sid (Twilio's, Socket.IO's)", () => {
    const names = ["sessid", "PHPSESSID", "JSESSIONID", "connect.sid", "express:sess", "_gh_sess"];
    const data = archivedUnder([...names, "sid", "account_sid"]);
    for (const name of names) expect(data[name], name).toMatch(/^session:[0-9a-f]{16}$/);
    expect(data.sid).toBe(S);
    expect(data.account_sid).toBe(S);
    const [, event] = archivedEvents(traceItem({ logs: [log("log", `GET /a?PHPSESSID=${S}&b=1`)] }));
    expect(event!.text).toMatch(/^GET \/a\?PHPSESSID=session:[0-9a-f]{16}&b=1$/);
  });
});
