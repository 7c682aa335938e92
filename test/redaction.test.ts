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
