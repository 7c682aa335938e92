import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import type { EventEnvelope } from "../schemas/event-envelope";
import { toWireEvents } from "../tail-worker/tail-handler";
import { fetchEvent, log, traceItem } from "./helpers/trace-items";

const SALT = "salt-for-tests-0123456789";

function archived(item: unknown, settings: Partial<Env> = {}): EventEnvelope[] {
  const config = loadConfig({ ...env, IP_HASH_SALT: SALT, ...settings } as Env);
  return toWireEvents([item], config, Date.now()).map((e) => JSON.parse(e.json) as EventEnvelope);
}

const secrets = {
  password: "hunter2",
  apiKey: "k-123",
  "x-api-key": "k-456",
  githubToken: "ghp_x",
  creditCardNumber: "4111111111111111",
  cvv: "123",
};
const SECRET_VALUES = Object.values(secrets);

function expectNoSecret(events: EventEnvelope[]): void {
  const text = JSON.stringify(events);
  for (const value of SECRET_VALUES) expect(text).not.toContain(value);
}

// Secrets never reach storage or forwarding; client IPs are kept only as keyed hashes.
describe("redaction", () => {
  it("redacts secret fields at any depth of a JSON log", () => {
    const [, event] = archived(
      traceItem({ logs: [log("log", JSON.stringify({ _event: "login", user: { profile: { deep: [{ ...secrets }] } }, tokens: 1500 }))] }),
    );
    const deep = (event!.data.user as { profile: { deep: Record<string, unknown>[] } }).profile.deep[0]!;
    for (const key of Object.keys(secrets)) expect(deep[key]).toBe("[REDACTED]");
    expect(event!.data.tokens).toBe(1500);
    expectNoSecret([event!]);
  });

  it("redacts object arguments, mixed arguments and arrays of objects", () => {
    const events = archived(
      traceItem({
        logs: [
          log("log", { auth: { ...secrets } }),
          log("warn", "login failed", { password: "hunter2" }, [{ apiKey: "k-123" }]),
          log("log", [{ cvv: "123" }]),
        ],
      }),
    );
    expectNoSecret(events);
    expect(events[2]!.text).toBe("login failed");
  });

  it("redacts diagnostics-channel messages", () => {
    const events = archived(
      traceItem({
        diagnosticsChannelEvents: [{ timestamp: 1, channel: "db", message: { _event: "query", config: { password: "hunter2" } } }],
      }),
    );
    expect((events[1]!.data.config as Record<string, unknown>).password).toBe("[REDACTED]");
  });

  it("redacts request metadata and drops client-certificate blocks", () => {
    const event = fetchEvent("GET", "https://example.com/", 200);
    const request = event.request as { headers: Record<string, string>; cf: Record<string, unknown> };
    request.headers = { authorization: "Bearer abc", cookie: "session=s3cr3t", "x-api-key": "k-456", "user-agent": "curl/8" };
    request.cf = { colo: "LHR", tlsClientAuth: { certPresented: "1" }, tlsExportedAuthenticator: { clientFinished: "x" } };
    const [invocation] = archived(traceItem({ event }));
    const stored = invocation!.data.request as { headers: Record<string, string>; cf: Record<string, unknown> };
    expect(stored.headers).toEqual({
      authorization: "[REDACTED]",
      cookie: "[REDACTED]",
      "x-api-key": "[REDACTED]",
      "user-agent": "curl/8",
    });
    expect(stored.cf).toEqual({ colo: "LHR" });
  });

  it("replaces client IPs by a stable keyed hash, in headers and in event fields", () => {
    const event = fetchEvent("GET", "https://example.com/", 200);
    (event.request as { headers: Record<string, string> }).headers = { "cf-connecting-ip": "203.0.113.7", "x-real-ip": "203.0.113.7" };
    const item = traceItem({
      event,
      logs: [log("log", JSON.stringify({ _event: "visit", visitor: { clientIp: "203.0.113.7" } })), log("log", { ip: "198.51.100.1" })],
    });
    const [invocation, visit, other] = archived(item);
    const headers = (invocation!.data.request as { headers: Record<string, string> }).headers;
    const hashed = headers["cf-connecting-ip"]!;
    expect(hashed).toMatch(/^ip:[0-9a-f]{16}$/);
    expect(headers["x-real-ip"]).toBe(hashed);
    expect((visit!.data.visitor as Record<string, string>).clientIp).toBe(hashed);
    expect(other!.data.ip).toMatch(/^ip:[0-9a-f]{16}$/);
    expect(other!.data.ip).not.toBe(hashed);
    expect(JSON.stringify([invocation, visit, other])).not.toContain("203.0.113.7");
    // Another salt gives other hashes: the salt is the key.
    const [again] = archived(item, { IP_HASH_SALT: "another-salt-0123456789" });
    expect((again!.data.request as { headers: Record<string, string> }).headers["cf-connecting-ip"]).not.toBe(hashed);
  });

  it("redacts secret query parameters of the request URL and hashes IP lists", () => {
    const event = fetchEvent("GET", "https://example.com/cb?code=ok&access_token=abc123&api-key=k-456&page=2", 200);
    (event.request as { headers: Record<string, unknown> }).headers = {};
    const [invocation, log_] = archived(traceItem({ event, logs: [log("log", { clientIp: ["203.0.113.7", "198.51.100.1"] })] }));
    const url = new URL(invocation!.data.url as string);
    expect(url.searchParams.get("access_token")).toBe("[REDACTED]");
    expect(url.searchParams.get("api-key")).toBe("[REDACTED]");
    expect(url.searchParams.get("code")).toBe("ok");
    expect(url.searchParams.get("page")).toBe("2");
    expect(log_!.data.clientIp).toEqual([expect.stringMatching(/^ip:[0-9a-f]{16}$/), expect.stringMatching(/^ip:[0-9a-f]{16}$/)]);
    expect(JSON.stringify([invocation, log_])).not.toMatch(/abc123|k-456|203\.0\.113\.7/);
  });

  it("redacts IPs outright when no salt is set", () => {
    const [, event] = archived(traceItem({ logs: [log("log", { clientIp: "203.0.113.7" })] }), { IP_HASH_SALT: undefined });
    expect(event!.data.clientIp).toBe("[REDACTED]");
  });

  it("adds the names given in REDACT_FIELDS", () => {
    const [, event] = archived(traceItem({ logs: [log("log", JSON.stringify({ _event: "x", mothersMaidenName: "Smith", name: "Al" }))] }), {
      REDACT_FIELDS: "mothers_maiden_name",
    });
    expect(event!.data).toMatchObject({ mothersMaidenName: "[REDACTED]", name: "Al" });
  });

  it("does not fall back to the unredacted original text when an event cannot be serialised", () => {
    const line = JSON.stringify({ _event: "x", password: "hunter2" });
    const parsed = JSON.parse(line) as Record<string, unknown>;
    const deep = `{"_event":"x","password":"hunter2","deep":${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}}`;
    const events = archived(traceItem({ logs: [log("log", line), log("log", { ...parsed, big: 10n }), log("log", deep)] }));
    expectNoSecret(events);
  });
});

/** Every archived event of the item, as its JSON text too (what R2 will hold). */
function archivedText(item: unknown, settings: Partial<Env> = {}): { events: EventEnvelope[]; text: string } {
  const config = loadConfig({ ...env, IP_HASH_SALT: SALT, ...settings } as Env);
  const wire = toWireEvents([item], config, Date.now());
  return { events: wire.map((e) => JSON.parse(e.json) as EventEnvelope), text: wire.map((e) => e.json).join("\n") };
}

const S = "s3cr3t-value-91c2";

describe("secrets in odd places", () => {
  it("never splices a JSON line whose parse lost duplicate keys (JSON.parse keeps the last)", () => {
    const lines = [
      `{"password":"${S}","password":"[REDACTED]"}`,
      `{"user":{"token":"${S}"},"user":{"name":"x"}}`,
      `{"_event":"dup","list":[{"apiKey":"${S}","apiKey":"[REDACTED]"}]}`,
      `{"a":{"b":{"secret":"${S}"}},"a":1}`,
      `{"note":"has \\"quotes\\": and colons","password":"${S}","password":"[REDACTED]"}`,
      `{"_event":"dup","rows":[[{"k":"${S}","k":2}],{"m":{"n":null}}],"flag":true}`,
      `{ "password" : "${S}" , "password" : "[REDACTED]" , "at" : "12:00" }`,
    ];
    for (const line of lines) {
      const { events, text } = archivedText(traceItem({ logs: [log("log", line)] }));
      expect(text, line).not.toContain(S);
      expect(events[1]!.data, line).toEqual(JSON.parse(line));
    }
  });

  it("still archives an unchanged line byte for byte (the splice the tail path's CPU relies on)", () => {
    const line = '{"_event":"exact","n":1.0,"big":12345678901234567890,"s":"a:b","e":"\\u00e9"}';
    const { text } = archivedText(traceItem({ logs: [log("log", line)] }));
    expect(text).toContain(`"data":${line}}`);
  });

  it("redacts secret query and fragment parameters in any string, also relative URLs and free text", () => {
    const { events, text } = archivedText(
      traceItem({
        event: fetchEvent("GET", `https://example.com/cb?state=ok#access_token=${S}`, 200),
        logs: [
          log(
            "log",
            JSON.stringify({ _event: "callback", next: `https://a.example/x?page=2&api_key=${S}`, urls: [`/login?password=${S}`] }),
          ),
          log("log", {
            nested: { redirect: `/r?X-Amz-Signature=${S}&X-Amz-Date=1`, q: `token=${S}&page=2`, sig: "ok", call: `?sig=${S}` },
          }),
          log("warn", `GET https://b.example/?session=${S}&x=1 failed`),
        ],
        exceptions: [
          { timestamp: 1, name: "Error", message: `fetch https://c.example/?otp=${S} failed`, stack: `at https://d.example/?pwd=${S}` },
        ],
        diagnosticsChannelEvents: [{ timestamp: 1, channel: "http", message: { url: `https://e.example/?passwd=${S}` } }],
      }),
    );
    expect(text).not.toContain(S);
    expect(events[1]!.data.next).toBe("https://a.example/x?page=2&api_key=[REDACTED]");
    expect(events[3]!.text).toMatch(/^GET https:\/\/b\.example\/\?session=session:[0-9a-f]{16}&x=1 failed$/);
    expect(events[0]!.data.url).toBe("https://example.com/cb?state=ok#access_token=[REDACTED]");
  });

  it("redacts header pairs given as arrays or as {name, value} entries, and Headers arguments", () => {
    const pairs = [
      ["authorization", `Bearer ${S}`],
      ["accept", "*/*"],
    ];
    const { events, text } = archivedText(
      traceItem({
        logs: [
          log("log", JSON.stringify({ _event: "req", headers: pairs })),
          log("log", { headers: pairs.map(([name, value]) => ({ name, value })) }),
          log("log", [["Cookie", `sid=${S}`]]),
          log("log", new Headers({ "X-Api-Key": S, accept: "*/*" })),
          log("log", { entries: [{ key: "x-api-key", value: S }] }),
          log("log", JSON.stringify({ forwardedFor: [["x-forwarded-for", "203.0.113.9"]] })),
          // AWS's casing: SSM parameters, container environments, tags.
          log("log", JSON.stringify({ Parameters: [{ Name: "/prod/db_password", Type: "SecureString", Value: S }] })),
          log("log", {
            Environment: [
              { Key: "API_TOKEN", Value: S },
              { Key: "REGION", Value: "weur" },
            ],
          }),
        ],
      }),
    );
    expect(text).not.toContain(S);
    expect(events[8]!.data.Environment).toEqual([
      { Key: "API_TOKEN", Value: "[REDACTED]" },
      { Key: "REGION", Value: "weur" },
    ]);
    expect(text).not.toContain("203.0.113.9");
    expect(events[1]!.data.headers).toEqual([
      ["authorization", "[REDACTED]"],
      ["accept", "*/*"],
    ]);
  });

  it("reads JSON arrays and lenient JSON lines as data, and redacts what even a lenient reader cannot parse", () => {
    const lines = [
      `[{"user":"ada","password":"${S}"},{"token":"${S}"}]`,
      `{password: '${S}', user: 'ada',}`,
      `{'token': '${S}', /* note */ 'n': 1}`,
      `[{apiKey: "${S}"},]`,
      `{"password":"${S}","user":"ada"`,
      `{"user": "ada", "secret": "${S}" oops}`,
      `{password=${S}, user=ada`,
      `[{"cvv":"${S}"`,
    ];
    for (const line of lines) {
      const { text } = archivedText(traceItem({ logs: [log("log", line)] }));
      expect(text, line).not.toContain(S);
    }
    const { events } = archivedText(traceItem({ logs: [log("log", `{password: '${S}', user: 'ada',}`)] }));
    expect(events[1]!.data).toEqual({ password: "[REDACTED]", user: "ada" });
  });

  it("hashes every client-IP request header, the for= of Forwarded too, and redacts Cloudflare Access identity", () => {
    const event = fetchEvent("GET", "https://example.com/", 200);
    (event.request as { headers: Record<string, string> }).headers = {
      "cf-connecting-ip": "203.0.113.1",
      "cf-connecting-ipv6": "2001:db8::1",
      "x-client-ip": "203.0.113.2",
      "x-forwarded-for": "203.0.113.3, 198.51.100.3",
      "true-client-ip": "203.0.113.4",
      forwarded: 'for=203.0.113.5;proto=https;by=198.51.100.9, for="[2001:db8::5]"',
      "cf-access-jwt-assertion": `eyJ.${S}.sig`,
      "cf-access-authenticated-user-email": "ada@example.com",
      "user-agent": "curl/8",
    };
    const { events, text } = archivedText(traceItem({ event }));
    const headers = (events[0]!.data.request as { headers: Record<string, string> }).headers;
    for (const name of ["cf-connecting-ip", "cf-connecting-ipv6", "x-client-ip", "x-forwarded-for", "true-client-ip"]) {
      expect(headers[name], name).toMatch(/^ip:[0-9a-f]{16}$/);
    }
    expect(headers.forwarded).toMatch(/^for=ip:[0-9a-f]{16};proto=https;by=ip:[0-9a-f]{16}, for=ip:[0-9a-f]{16}$/);
    expect(headers["cf-access-jwt-assertion"]).toBe("[REDACTED]");
    expect(headers["cf-access-authenticated-user-email"]).toBe("[REDACTED]");
    expect(headers["user-agent"]).toBe("curl/8");
    expect(text).not.toMatch(/203\.0\.113|2001:db8|198\.51\.100|ada@example|s3cr3t/);
  });

  it("redacts pwd, pass, passwd, sig, signature and otp, by a rule that spares look-alikes", () => {
    const secretNames = ["pwd", "pass", "passwd", "sig", "signature", "otp", "userPass", "db_pwd", "x-sig", "totp", "requestSignature"];
    const plainNames = ["passengers", "sessionCount", "bypass", "compass", "passage", "config", "design", "possession", "otpEnabled"];
    const data = Object.fromEntries([...secretNames, ...plainNames].map((name) => [name, S]));
    const { events } = archivedText(traceItem({ logs: [log("log", JSON.stringify({ _event: "names", ...data }))] }));
    for (const name of secretNames) expect(events[1]!.data[name], name).toBe("[REDACTED]");
    for (const name of plainNames) expect(events[1]!.data[name], name).toBe(S);
  });

  it("replaces session ids (session, sessionid, any *SessionId) by a stable hash that still correlates a session's events", () => {
    const names = ["session", "sessionid", "SESSION_ID", "sessionId", "userSession", "parentSessionId", "session-id"];
    const item = (value: string) =>
      traceItem({
        logs: [log("log", JSON.stringify({ _event: "s", ...Object.fromEntries(names.map((n) => [n, value])), sessionCount: 3 }))],
      });
    const first = archivedText(item(S)).events[1]!.data;
    const again = archivedText(item(S)).events[1]!.data;
    const other = archivedText(item(`${S}-other`)).events[1]!.data;
    for (const name of names) {
      expect(first[name], name).toMatch(/^session:[0-9a-f]{16}$/);
      expect(again[name], name).toBe(first[name]);
      expect(other[name], name).not.toBe(first[name]);
    }
    expect(first.sessionCount).toBe(3);
    expect(JSON.stringify(first)).not.toContain(S);
  });

  it("keeps flags and nulls under secret names (they hold no secret), but not numbers or structures", () => {
    const data = { immutableSession: true, password: false, token: null, otp: 123456, credentials: { id: S }, pin_pass: [S] };
    const { events } = archivedText(traceItem({ logs: [log("log", JSON.stringify({ _event: "flags", ...data }))] }));
    expect(events[1]!.data).toMatchObject({
      immutableSession: true,
      password: false,
      token: null,
      otp: "[REDACTED]",
      credentials: "[REDACTED]",
      pin_pass: "[REDACTED]",
    });
  });

  it("drops request.cf location and TLS fingerprints by default, and keeps them only when KEEP_CF_FIELDS asks", () => {
    const cf = {
      colo: "LHR",
      country: "GB",
      region: "England",
      regionCode: "ENG",
      timezone: "Europe/London",
      city: "London",
      postalCode: "EC1A",
      latitude: "51.5",
      longitude: "-0.1",
      metroCode: "826",
      tlsClientRandom: "r4nd",
      tlsClientHelloLength: "508",
      tlsClientExtensionsSha1: "ext",
      tlsClientExtensionsSha1Le: "extle",
      tlsClientCiphersSha1: "ciph",
      tlsVersion: "TLSv1.3",
      botManagement: { score: 30, ja3Hash: "ja3", ja4: "t13d", ja4Signals: { h2h3_ratio_1h: 1 } },
    };
    const event = fetchEvent("GET", "https://example.com/", 200, cf);
    (event.request as { headers: Record<string, string> }).headers = {
      "cf-ipcity": "London",
      "cf-iplatitude": "51.5",
      "cf-ipcountry": "GB",
    };
    const requestOf = (settings: Partial<Env>) =>
      archivedText(traceItem({ event }), settings).events[0]!.data.request as {
        cf: Record<string, unknown>;
        headers: Record<string, string>;
      };

    const byDefault = requestOf({});
    expect(byDefault.cf).toEqual({
      colo: "LHR",
      country: "GB",
      region: "England",
      regionCode: "ENG",
      timezone: "Europe/London",
      tlsVersion: "TLSv1.3",
      botManagement: { score: 30 },
    });
    expect(byDefault.headers).toEqual({ "cf-ipcountry": "GB" });

    const location = requestOf({ KEEP_CF_FIELDS: "location" });
    expect(location.cf).toMatchObject({ city: "London", postalCode: "EC1A", latitude: "51.5", longitude: "-0.1", metroCode: "826" });
    expect(location.cf.tlsClientRandom).toBeUndefined();
    expect(location.headers["cf-ipcity"]).toBe("London");

    const tls = requestOf({ KEEP_CF_FIELDS: "tls" });
    expect(tls.cf).toMatchObject({ tlsClientRandom: "r4nd", tlsClientCiphersSha1: "ciph", botManagement: { ja3Hash: "ja3", ja4: "t13d" } });
    expect(tls.cf.city).toBeUndefined();
  });
});
