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
const bare = (): Env => ({ TAIL_COLLECTOR: env.TAIL_COLLECTOR, LIVE_HUB: env.LIVE_HUB, ARCHIVE: env.ARCHIVE });
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
      logLevel: "info",
      thresholds: {
        0: { rows: 10, bytes: 1 * MiB },
        1: { rows: 100, bytes: 10 * MiB },
        2: { rows: 1_000, bytes: 50 * MiB },
        3: { rows: 5_000, bytes: 100 * MiB },
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
    expect(loadConfig(withSettings({ BATCH_SIZE: "", LOG_LEVEL: "" }))).toMatchObject({ batchSize: 1000, logLevel: "info" });
  });

  it("merges a partial BUFFER_THRESHOLDS over the defaults", () => {
    const { thresholds } = loadConfig(withSettings({ BUFFER_THRESHOLDS: '{"3":{"rows":2000},"0":{"bytes":4096}}' }));
    expect(thresholds).toEqual({
      0: { rows: 10, bytes: 4096 },
      1: { rows: 100, bytes: 10 * MiB },
      2: { rows: 1_000, bytes: 50 * MiB },
      3: { rows: 2_000, bytes: 100 * MiB },
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
});
