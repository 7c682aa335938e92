import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";

// ALERT_RULES is validated at start-up like every setting: a bad rule stops the Worker with a
// message naming the rule and the part, and never echoes the setting (its URLs may be credentials).

const load = (rules: unknown, more: Partial<Env> = {}) => loadConfig({ ...env, ALERT_RULES: JSON.stringify(rules), ...more } as Env);

function problem(rules: unknown, more: Partial<Env> = {}): string {
  try {
    load(rules, more);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the rules were accepted");
}

const where = [{ field: "kind", op: "eq", value: "exception" }];

describe("ALERT_RULES", () => {
  it("defaults to no rules", () => {
    expect(loadConfig({ ...env, ALERT_RULES: undefined } as Env).alerts).toEqual({
      rules: [],
      webhookSecret: undefined,
      publicUrl: undefined,
    });
  });

  it("parses threshold, rate and absence rules with their defaults", () => {
    const { rules } = load([
      { name: "exceptions", where, threshold: 1, window: "5m", notify: ["https://alerts.example/hook"] },
      {
        name: "5xx-rate",
        where: [{ field: "status", op: "gte", value: 500 }],
        of: [{ field: "kind", op: "eq", value: "invocation" }],
        rate: 0.05,
        window: "15m",
        groupBy: ["script"],
        repeat: "30m",
      },
      { name: "heartbeats", where: [{ field: "type", op: "eq", value: "heartbeat" }], groupBy: ["monitorId"], absent: { for: "5m" } },
    ]).alerts;
    expect(rules).toEqual([
      {
        kind: "threshold",
        name: "exceptions",
        where,
        groupBy: [],
        threshold: 1,
        window: "5m",
        windowMs: 300_000,
        repeat: "1h",
        repeatMs: 3_600_000,
        notify: ["https://alerts.example/hook"],
      },
      {
        kind: "threshold",
        name: "5xx-rate",
        where: [{ field: "status", op: "gte", value: 500 }],
        of: [{ field: "kind", op: "eq", value: "invocation" }],
        rate: 0.05,
        threshold: 1,
        window: "15m",
        windowMs: 900_000,
        groupBy: ["script"],
        repeat: "30m",
        repeatMs: 1_800_000,
        notify: [],
      },
      {
        kind: "absence",
        name: "heartbeats",
        where: [{ field: "type", op: "eq", value: "heartbeat" }],
        groupBy: ["monitorId"],
        absentFor: "5m",
        absentForMs: 300_000,
        repeat: "1h",
        repeatMs: 3_600_000,
        notify: [],
      },
    ]);
  });

  it("names the rule and the part that is wrong", () => {
    expect(
      problem([
        { name: "ok", where, threshold: 1, window: "5m" },
        { name: "slow", where, threshold: 1, window: "5 minutes" },
      ]),
    ).toBe('Invalid setting ALERT_RULES (value not shown): rule "slow" (#1) window: must be a duration such as "5m" (units s, m, h, d)');
    expect(problem([{ name: "tiny", where, threshold: 1, window: "5s" }])).toContain('rule "tiny" (#0) window: must be between 30s and 1d');
    expect(problem([{ name: "bad-op", where: [{ field: "kind", op: "like", value: "x" }], threshold: 1, window: "5m" }])).toContain(
      'rule "bad-op" (#0) where[0].op: must be one of eq, ne, gt, gte, lt, lte, contains, exists, in',
    );
    expect(problem([{ name: "no-window", where, threshold: 1 }])).toContain(
      'rule "no-window" (#0) window: a threshold rule needs a window',
    );
    expect(problem([{ name: "rate-alone", where, rate: 0.1, window: "5m" }])).toContain(
      'rule "rate-alone" (#0) of: rate and of go together',
    );
    expect(problem([{ name: "mixed", where, absent: { for: "5m" }, threshold: 3 }])).toContain(
      'rule "mixed" (#0) threshold: an absence rule',
    );
    expect(problem([{ name: "typo", where, threshold: 1, window: "5m", treshold: 2 }])).toContain('rule "typo" (#0) treshold: unknown key');
    expect(problem([{ where, threshold: 1, window: "5m" }])).toContain("rule #0 name:");
    expect(
      problem([
        { name: "twin", where, threshold: 1, window: "5m" },
        { name: "twin", where, threshold: 2, window: "5m" },
      ]),
    ).toContain('rule "twin" (#1) name: is already used by rule #0');
    expect(problem({ name: "not-an-array" })).toContain("ALERT_RULES (value not shown): must be a JSON array of rules");
  });

  it("takes https: destinations, and plain http: only on loopback", () => {
    const withUrl = (url: string) => [{ name: "r", where, threshold: 1, window: "5m", notify: [url] }];
    for (const url of [
      "https://hooks.slack.com/services/T/B/X",
      "http://127.0.0.1:9000/hook",
      "http://127.8.9.10/x",
      "http://localhost:8080/",
      "http://[::1]:7000/h",
    ])
      expect(load(withUrl(url)).alerts.rules[0]!.notify).toEqual([url]);
    for (const url of ["http://alerts.example/hook", "http://10.0.0.1/hook", "http://128.0.0.1/", "ftp://127.0.0.1/", "not a url"])
      expect(problem(withUrl(url))).toMatch(/rule "r" \(#0\) notify\[0\]: must be/);
  });

  it("never echoes the rules, nor the webhook secret", () => {
    const secretUrl = "https://hooks.slack.com/services/T0001/B0001/s3cr3t-t0k3n";
    const message = problem([{ name: "leaky", where, threshold: "1", window: "5m", notify: [secretUrl] }]);
    expect(message).toContain('rule "leaky" (#0) threshold: must be a number');
    expect(message).not.toContain("s3cr3t");
    const secret = problem([], { ALERT_WEBHOOK_SECRET: "short-s3cr3t" });
    expect(secret).toBe("Invalid setting ALERT_WEBHOOK_SECRET (value not shown): must be at least 16 characters");
  });

  it("reads PUBLIC_URL for the dashboard link", () => {
    expect(load([], { PUBLIC_URL: "https://do-tail.example.workers.dev/" }).alerts.publicUrl).toBe("https://do-tail.example.workers.dev");
    expect(problem([], { PUBLIC_URL: "do-tail.example" })).toContain("PUBLIC_URL");
  });
});
