import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { DEFAULT_IMPORTANCE_RULES } from "../schemas/config/importance-rules";

// Settings are validated in one place; a bad one must fail loudly and say which setting is wrong,
// and the defaults must be those the README and the issue document.
const MiB = 1024 * 1024;

/** The variables of Env (the string-valued settings), as opposed to its bindings. */
type Settings = { [K in keyof Env as Env[K] extends string | undefined ? K : never]?: string };

/** The bindings without any variable, as a deployment that sets none of them. */
const bare = (): Env => ({
  TAIL_COLLECTOR: env.TAIL_COLLECTOR,
  ALERT_STATE: env.ALERT_STATE,
  LIVE_HUB: env.LIVE_HUB,
  ARCHIVE: env.ARCHIVE,
});
const withSettings = (settings: Settings): Env => ({ ...bare(), ...settings });

function rejection(settings: Settings): ConfigError {
  try {
    loadConfig(withSettings(settings));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(settings)}`);
}

describe("loadConfig defaults", () => {
  it("uses the documented defaults when no variable is set", () => {
    const config = loadConfig(bare());
    expect(config).toMatchObject({
      // A deployment that forgets ENVIRONMENT fails closed (no /test-events).
      environment: "production",
      flushIntervalSeconds: 30,
      batchSize: 1000,
      analyticsEnabled: false,
      analyticsEndpoint: undefined,
      analyticsDataset: "do_tail_events",
      logLevel: "warn",
      thresholds: {
        0: { events: 10, bytes: 1 * MiB },
        1: { events: 100, bytes: 10 * MiB },
        2: { events: 1_000, bytes: 50 * MiB },
        3: { events: 5_000, bytes: 100 * MiB },
      },
    });
    expect(config.importanceRules).toEqual(DEFAULT_IMPORTANCE_RULES);
  });

  it("reads wrangler.tail.toml's variables (tests override ENVIRONMENT and LOG_LEVEL)", () => {
    expect(loadConfig(env)).toMatchObject({
      environment: "development",
      logLevel: "error",
      flushIntervalSeconds: 30,
      batchSize: 1000,
      analyticsEnabled: false,
    });
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig(withSettings({ BATCH_SIZE: "", LOG_LEVEL: "" }))).toMatchObject({ batchSize: 1000, logLevel: "warn" });
  });

  it("merges a partial BUFFER_THRESHOLDS over the defaults", () => {
    const { thresholds } = loadConfig(withSettings({ BUFFER_THRESHOLDS: '{"3":{"events":2000},"0":{"bytes":4096}}' }));
    expect(thresholds).toEqual({
      0: { events: 10, bytes: 4096 },
      1: { events: 100, bytes: 10 * MiB },
      2: { events: 1_000, bytes: 50 * MiB },
      3: { events: 2_000, bytes: 100 * MiB },
    });
  });

  it("still accepts the old name rows for a threshold's events", () => {
    const { thresholds } = loadConfig(withSettings({ BUFFER_THRESHOLDS: '{"2":{"rows":300},"1":{"events":20}}' }));
    expect(thresholds[2]).toEqual({ events: 300, bytes: 50 * MiB });
    expect(thresholds[1]).toEqual({ events: 20, bytes: 10 * MiB });
  });

  it("merges a partial BUFFER_CAPS over the defaults", () => {
    expect(loadConfig(withSettings({ BUFFER_CAPS: '{"3":536870912}' })).bufferCaps).toEqual({
      0: 1024 * MiB,
      1: 2048 * MiB,
      2: 2048 * MiB,
      3: 512 * MiB,
    });
  });

  it("parses well-formed values", () => {
    expect(
      loadConfig(
        withSettings({
          ENVIRONMENT: "development",
          FLUSH_INTERVAL_SECONDS: "5",
          BATCH_SIZE: "250",
          ANALYTICS_ENABLED: "true",
          ANALYTICS_ENDPOINT: "https://ingest.example/v1",
          LOG_LEVEL: "debug",
        }),
      ),
    ).toMatchObject({
      environment: "development",
      flushIntervalSeconds: 5,
      batchSize: 250,
      analyticsEnabled: true,
      analyticsEndpoint: "https://ingest.example/v1",
      logLevel: "debug",
    });
  });
});

describe("loadConfig rejects bad settings, naming the setting", () => {
  it("BATCH_SIZE that is not a whole number, or out of range", () => {
    expect(rejection({ BATCH_SIZE: "abc" }).message).toMatch(/^Invalid setting BATCH_SIZE="abc": must be a whole number/);
    expect(rejection({ BATCH_SIZE: "12.5" }).message).toMatch(/BATCH_SIZE/);
    expect(rejection({ BATCH_SIZE: "0" }).message).toMatch(/BATCH_SIZE="0": must be at least 1/);
  });

  it("FLUSH_INTERVAL_SECONDS out of range", () => {
    expect(rejection({ FLUSH_INTERVAL_SECONDS: "0" }).message).toMatch(/FLUSH_INTERVAL_SECONDS/);
    expect(rejection({ FLUSH_INTERVAL_SECONDS: "-5" }).message).toMatch(/FLUSH_INTERVAL_SECONDS/);
  });

  it("LOG_LEVEL outside debug, info, warn, error", () => {
    expect(rejection({ LOG_LEVEL: "loud" }).message).toMatch(/LOG_LEVEL="loud": must be one of debug, info, warn, error/);
  });

  it("ENVIRONMENT other than development or production", () => {
    expect(rejection({ ENVIRONMENT: "staging" }).message).toMatch(/ENVIRONMENT="staging"/);
  });

  it("ANALYTICS_ENABLED other than true or false, and an ANALYTICS_ENDPOINT that is not a URL", () => {
    expect(rejection({ ANALYTICS_ENABLED: "yes" }).message).toMatch(/ANALYTICS_ENABLED/);
    expect(rejection({ ANALYTICS_ENDPOINT: "not a url" }).message).toMatch(/ANALYTICS_ENDPOINT/);
  });

  it("ANALYTICS_DATASET that is not a plain dataset name (it is written into the SQL /insights send)", () => {
    expect(rejection({ ANALYTICS_DATASET: 'x" UNION' }).message).toMatch(
      /^Invalid setting ANALYTICS_DATASET="x\\" UNION": must be 1 to 64/,
    );
    expect(rejection({ ANALYTICS_DATASET: "a".repeat(65) }).message).toMatch(/ANALYTICS_DATASET/);
    expect(loadConfig(withSettings({ ANALYTICS_DATASET: "my-dataset_2" })).analyticsDataset).toBe("my-dataset_2");
  });

  it("IMPORTANCE_RULES that is not JSON", () => {
    expect(rejection({ IMPORTANCE_RULES: "[{when:" }).message).toMatch(/IMPORTANCE_RULES=.*must be valid JSON/);
  });

  it("IMPORTANCE_RULES of the wrong shape", () => {
    // Not an array.
    expect(rejection({ IMPORTANCE_RULES: '{"when":{},"importance":1,"why":"x"}' }).message).toMatch(/IMPORTANCE_RULES/);
    // An importance outside 0-3: the message points at the faulty field.
    expect(rejection({ IMPORTANCE_RULES: '[{"when":{"type":"x.*"},"importance":5,"why":"x"}]' }).message).toMatch(
      /IMPORTANCE_RULES=.*0\.importance/,
    );
    // A missing "why".
    expect(rejection({ IMPORTANCE_RULES: '[{"when":{},"importance":1}]' }).message).toMatch(/IMPORTANCE_RULES/);
  });

  it("BUFFER_THRESHOLDS with a negative number, an unknown importance or bad JSON", () => {
    expect(rejection({ BUFFER_THRESHOLDS: '{"0":{"rows":-5}}' }).message).toMatch(/BUFFER_THRESHOLDS=.*0\.rows/);
    expect(rejection({ BUFFER_THRESHOLDS: '{"2":{"bytes":-1}}' }).message).toMatch(/BUFFER_THRESHOLDS=.*2\.bytes/);
    expect(rejection({ BUFFER_THRESHOLDS: '{"7":{"rows":5}}' }).message).toMatch(/BUFFER_THRESHOLDS/);
    expect(rejection({ BUFFER_THRESHOLDS: "{rows:5}" }).message).toMatch(/BUFFER_THRESHOLDS=.*must be valid JSON/);
  });

  it("BUFFER_THRESHOLDS past their upper bounds, or naming events twice", () => {
    expect(rejection({ BUFFER_THRESHOLDS: '{"3":{"events":1000001}}' }).message).toMatch(
      /BUFFER_THRESHOLDS=.*3\.events: must be at most 1000000/,
    );
    expect(rejection({ BUFFER_THRESHOLDS: '{"3":{"rows":2000000}}' }).message).toMatch(/BUFFER_THRESHOLDS=.*3\.rows: must be at most/);
    expect(rejection({ BUFFER_THRESHOLDS: `{"0":{"bytes":${2 ** 30 + 1}}}` }).message).toMatch(
      /BUFFER_THRESHOLDS=.*0\.bytes: must be at most 1073741824/,
    );
    expect(rejection({ BUFFER_THRESHOLDS: '{"2":{"events":5,"rows":6}}' }).message).toMatch(/BUFFER_THRESHOLDS=.*not both/);
  });

  it("BUFFER_CAPS past a cap's upper bound, or adding up past what a Durable Object can hold", () => {
    expect(rejection({ BUFFER_CAPS: `{"1":${4 * 2 ** 30 + 1}}` }).message).toMatch(/BUFFER_CAPS=.*1: must be at most 4294967296/);
    expect(rejection({ BUFFER_CAPS: '{"0":0}' }).message).toMatch(/BUFFER_CAPS=.*0: /);
    // 4 + 4 + 2 + 1 GiB: each allowed, together more than 8 GiB.
    expect(rejection({ BUFFER_CAPS: `{"0":${4 * 2 ** 30},"1":${4 * 2 ** 30}}` }).message).toMatch(
      /^Invalid setting BUFFER_CAPS=.*add up to 11811160064 bytes, more than 8589934592/,
    );
  });
});

describe("secrets in settings", () => {
  const TOKEN = "t0ken-for-tests-0123456789abcdef";

  it("trims ADMIN_TOKEN, so a token stored with a trailing newline or spaces still lets its holder in", async () => {
    for (const stored of [`${TOKEN}\n`, `  ${TOKEN}  `, `\t${TOKEN}\r\n`]) {
      expect(loadConfig(withSettings({ ADMIN_TOKEN: stored })).security.adminToken).toBe(TOKEN);
    }
    const { router } = await import("../tail-worker/http/router");
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const response = await router.fetch(
      new Request("http://do-tail/stats", { headers: { authorization: `Bearer ${TOKEN}` } }),
      { ...env, ADMIN_TOKEN: `${TOKEN}\n` } as Env,
      ctx,
    );
    expect(response.status).toBe(200);
  });

  it("refuses an ADMIN_TOKEN shorter than 16 characters once trimmed, saying so", () => {
    const error = rejection({ ADMIN_TOKEN: "short-token\n          " });
    expect(error.message).toBe(
      "Invalid setting ADMIN_TOKEN (value not shown): must be at least 16 characters, not counting leading and trailing whitespace",
    );
    expect(rejection({ ADMIN_TOKEN: "                    " }).message).toMatch(/^Invalid setting ADMIN_TOKEN \(value not shown\)/);
  });

  it("never echoes the value of ADMIN_TOKEN, IP_HASH_SALT or ANALYTICS_ENDPOINT in an error", () => {
    const secret = "tok3n-xyz";
    const cases: Settings[] = [
      { ADMIN_TOKEN: secret },
      { IP_HASH_SALT: secret },
      { ANALYTICS_ENDPOINT: `http://collector.example/ingest?key=${secret}` },
      { ANALYTICS_ENDPOINT: `https://user:${secret}@` },
      { ANALYTICS_ENDPOINT: `not a url ${secret}` },
    ];
    for (const settings of cases) {
      const error = rejection(settings);
      const [name] = Object.keys(settings);
      expect(error.message, name).toMatch(new RegExp(`^Invalid setting ${name} \\(value not shown\\): `));
      expect(error.message, name).not.toContain(secret);
      expect(String(error.stack), name).not.toContain(secret);
    }
  });

  it("never echoes a secret in the error page of a worker started with a bad one", async () => {
    const { router } = await import("../tail-worker/http/router");
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const response = await router.fetch(new Request("http://do-tail/stats"), { ...env, ADMIN_TOKEN: "tok3n-xyz" } as Env, ctx);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("tok3n-xyz");
  });

  it("accepts ANALYTICS_ENDPOINT over https:, and over plain http: only to this machine", () => {
    for (const url of [
      "https://ingest.example/v1",
      "http://localhost:8080/x",
      "http://127.0.0.1/",
      "http://127.20.30.40:9/",
      "http://[::1]:8787/",
    ]) {
      expect(loadConfig(withSettings({ ANALYTICS_ENDPOINT: url })).analyticsEndpoint, url).toBe(url);
    }
    for (const url of [
      "http://ingest.example/v1",
      "http://10.0.0.1/",
      "http://localhost.example.com/",
      "http://128.0.0.1/",
      "ftp://ingest.example/",
      "ws://localhost/",
    ]) {
      expect(rejection({ ANALYTICS_ENDPOINT: url }).message, url).toMatch(/ANALYTICS_ENDPOINT \(value not shown\): must use https:/);
    }
  });
});

describe("KEEP_CF_FIELDS", () => {
  it("is empty by default: request.cf location and TLS fingerprints are dropped", () => {
    expect(loadConfig(bare()).security.keepCf).toEqual({ location: false, tls: false });
  });

  it("takes a comma-separated list of location and tls, in any case and spacing", () => {
    expect(loadConfig(withSettings({ KEEP_CF_FIELDS: " Location , TLS " })).security.keepCf).toEqual({ location: true, tls: true });
    expect(loadConfig(withSettings({ KEEP_CF_FIELDS: "tls" })).security.keepCf).toEqual({ location: false, tls: true });
    expect(rejection({ KEEP_CF_FIELDS: "location,gps" }).message).toMatch(
      /^Invalid setting KEEP_CF_FIELDS="location,gps": 1: each group must be one of location, tls/,
    );
  });
});
