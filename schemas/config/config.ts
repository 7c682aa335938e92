import * as v from "valibot";
import { MappingSwitchesSchema } from "../analytics/mapping-switches";
import type { Importance } from "../importance";
import { isSecureEndpoint } from "../lib/secure-url";
import { type AlertRule, AlertRulesSchema } from "./alert-rules";
import type { Env } from "./env";
import { DEFAULT_IMPORTANCE_RULES, type ImportanceRule, ImportanceRuleSchema } from "./importance-rules";
import { DEFAULT_REDACT_FIELDS, normalizeFieldName } from "./redaction";
import { type SamplingConfig, SamplingSchema } from "./sampling";
import {
  BufferCapOverrideSchema,
  type BufferThreshold,
  DEFAULT_BUFFER_CAPS,
  DEFAULT_THRESHOLDS,
  MAX_BUFFER_CAPS_TOTAL,
  ThresholdOverrideSchema,
} from "./thresholds";

/**
 * The one place where do-tail's settings are read, validated and defaulted.
 * Every setting comes from a Worker variable (wrangler.tail.toml [vars] or a secret);
 * the defaults below are documented in the README's configuration table.
 */
export interface Config {
  environment: "development" | "production";
  flushIntervalSeconds: number;
  batchSize: number;
  /** TailCollector shards; each tail invocation goes to one of them whole. */
  shardCount: number;
  /** Upper bound on one collector call's payload, so one RPC stays far below the 32 MiB limit. */
  maxBatchBytes: number;
  analyticsEnabled: boolean;
  analyticsEndpoint: string | undefined;
  /** Event names whose Analytics Engine mapping is switched off. */
  analyticsMappingsDisabled: ReadonlySet<string>;
  /** The Analytics Engine dataset the ANALYTICS binding writes, which the ANALYTICS_SQL binding reads. */
  analyticsDataset: string;
  logLevel: LogLevel;
  maxEventBytes: number;
  thresholds: Record<Importance, BufferThreshold>;
  bufferCaps: Record<Importance, number>;
  importanceRules: readonly ImportanceRule[];
  security: SecurityConfig;
  /**
   * What one query (/query, /insights) may read: archive objects and bytes (buffered events
   * included), decided from the listing before reading anything, and R2 list calls.
   */
  query: { maxObjects: number; maxBytes: number; maxListCalls: number };
  sampling: SamplingConfig;
  alerts: AlertSettings;
}

export interface AlertSettings {
  rules: readonly AlertRule[];
  /** Key of the x-do-tail-signature HMAC; without it notifications are unsigned. */
  webhookSecret: string | undefined;
  /** Where the dashboard is published, for the link in notifications (see collector-do/alerts/state/notification.ts). */
  publicUrl: string | undefined;
}

export interface SecurityConfig {
  /** Bearer token for every route but /health; undefined leaves them open in development only. */
  adminToken: string | undefined;
  /** Key of the IP hash; without one, IPs are redacted outright rather than hashed. */
  ipHashSalt: string | undefined;
  /** Normalised names (see normalizeFieldName) whose values are replaced by [REDACTED]. */
  redactFields: readonly string[];
  /** Largest request body a POST route reads. */
  maxBodyBytes: number;
  /** request.cf groups kept that are dropped by default (KEEP_CF_FIELDS). */
  keepCf: { location: boolean; tls: boolean };
}

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  /** A secret's value is never part of the message: it would end up in logs and error pages. */
  constructor(setting: string, problem: string, value: unknown, secret: boolean) {
    super(
      secret
        ? `Invalid setting ${setting} (value not shown): ${problem}`
        : `Invalid setting ${setting}=${JSON.stringify(value)}: ${problem}`,
    );
    this.name = "ConfigError";
  }
}

/** Settings that are secrets, or may carry one (an endpoint URL with a token in it). */
const SECRET_SETTINGS: ReadonlySet<string> = new Set([
  "ADMIN_TOKEN",
  "IP_HASH_SALT",
  "ANALYTICS_ENDPOINT",
  // Rules hold webhook URLs whose path is a credential (Slack's).
  "ALERT_RULES",
  "ALERT_WEBHOOK_SECRET",
]);

const CF_GROUPS = ["location", "tls"] as const;

const intSetting = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\s*\d+\s*$/, "must be a whole number"),
    v.transform(Number),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

const SETTINGS = {
  ENVIRONMENT: { schema: v.picklist(["development", "production"], 'must be "development" or "production"'), fallback: "production" },
  FLUSH_INTERVAL_SECONDS: { schema: intSetting(1, 3600), fallback: "30" },
  BATCH_SIZE: { schema: intSetting(1, 10_000), fallback: "1000" },
  ANALYTICS_ENABLED: {
    schema: v.pipe(
      v.picklist(["true", "false"], 'must be "true" or "false"'),
      v.transform((s) => s === "true"),
    ),
    fallback: "false",
  },
  ANALYTICS_ENDPOINT: {
    schema: v.optional(
      v.pipe(
        v.string("must be a string"),
        v.url("must be an absolute URL"),
        v.check(isSecureEndpoint, "must use https: (plain http: only for localhost, 127.0.0.0/8 or [::1])"),
      ),
    ),
    fallback: undefined,
  },
  ANALYTICS_MAPPINGS_DISABLED: { schema: MappingSwitchesSchema, fallback: "" },
  // Written into the SQL as a quoted identifier, so only characters a dataset name may have.
  ANALYTICS_DATASET: {
    schema: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1 to 64 letters, digits, _ or -")),
    fallback: "do_tail_events",
  },
  LOG_LEVEL: { schema: v.picklist(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(", ")}`), fallback: "warn" },
  MAX_EVENT_BYTES: { schema: intSetting(1024, 1024 * 1024), fallback: "131072" },
  IMPORTANCE_RULES: { schema: jsonSetting(v.array(ImportanceRuleSchema)), fallback: "[]" },
  BUFFER_THRESHOLDS: { schema: jsonSetting(ThresholdOverrideSchema), fallback: "{}" },
  BUFFER_CAPS: { schema: jsonSetting(BufferCapOverrideSchema), fallback: "{}" },
  // `echo token | wrangler secret put` stores a trailing newline no client would send: trimmed.
  ADMIN_TOKEN: {
    schema: v.optional(
      v.pipe(
        v.string("must be a string"),
        v.trim(),
        v.minLength(16, "must be at least 16 characters, not counting leading and trailing whitespace"),
      ),
    ),
    fallback: undefined,
  },
  IP_HASH_SALT: {
    schema: v.optional(v.pipe(v.string("must be a string"), v.minLength(16, "must be at least 16 characters"))),
    fallback: undefined,
  },
  REDACT_FIELDS: {
    schema: v.pipe(
      v.string(),
      v.transform((list) =>
        list
          .split(",")
          .map(normalizeFieldName)
          .filter((name) => name !== ""),
      ),
    ),
    fallback: "",
  },
  KEEP_CF_FIELDS: {
    schema: v.pipe(
      v.string(),
      v.transform((list) =>
        list
          .split(",")
          .map((group) => group.trim().toLowerCase())
          .filter((group) => group !== ""),
      ),
      v.array(v.picklist(CF_GROUPS, `each group must be one of ${CF_GROUPS.join(", ")}`)),
      v.transform((groups) => ({ location: groups.includes("location"), tls: groups.includes("tls") })),
    ),
    fallback: "",
  },
  MAX_BODY_BYTES: { schema: intSetting(1024, 10 * 1024 * 1024), fallback: "65536" },
  QUERY_MAX_OBJECTS: { schema: intSetting(1, 9_000), fallback: "2000" },
  QUERY_MAX_BYTES: { schema: intSetting(1024, 1024 * 1024 * 1024), fallback: "67108864" },
  QUERY_MAX_LIST_CALLS: { schema: intSetting(10, 5_000), fallback: "1000" },
  SHARD_COUNT: { schema: intSetting(1, 256), fallback: "1" },
  SAMPLING: { schema: jsonSetting(SamplingSchema), fallback: "{}" },
  ALERT_RULES: { schema: jsonSetting(AlertRulesSchema), fallback: "[]" },
  ALERT_WEBHOOK_SECRET: {
    schema: v.optional(v.pipe(v.string("must be a string"), v.minLength(16, "must be at least 16 characters"))),
    fallback: undefined,
  },
  PUBLIC_URL: {
    schema: v.optional(
      v.pipe(
        v.string(),
        v.url("must be an absolute URL"),
        v.regex(/^https?:\/\//i, "must be an http(s) URL"),
        v.transform((url) => url.replace(/\/+$/, "")),
      ),
    ),
    fallback: undefined,
  },
} as const;

type Settings = typeof SETTINGS;
type Parsed = { [K in keyof Settings]: v.InferOutput<Settings[K]["schema"]> };

function jsonSetting<T extends v.GenericSchema>(schema: T) {
  return v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      try {
        return JSON.parse(dataset.value) as unknown;
      } catch {
        addIssue({ message: "must be valid JSON" });
        return NEVER;
      }
    }),
    schema,
  );
}

function readSetting<K extends keyof Settings>(env: Env, name: K): Parsed[K] {
  const raw = (env as unknown as Record<string, unknown>)[name];
  const value = raw === undefined || raw === "" ? SETTINGS[name].fallback : raw;
  const result = v.safeParse(SETTINGS[name].schema as v.GenericSchema, value);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join(".");
    throw new ConfigError(name, path ? `${path}: ${issue.message}` : issue.message, value, SECRET_SETTINGS.has(name));
  }
  return result.output as Parsed[K];
}

function mergeThresholds(overrides: Parsed["BUFFER_THRESHOLDS"]): Record<Importance, BufferThreshold> {
  const merged = { ...DEFAULT_THRESHOLDS };
  for (const level of [0, 1, 2, 3] as const) {
    merged[level] = { ...DEFAULT_THRESHOLDS[level], ...overrides[level] };
  }
  return merged;
}

/** The caps over their defaults; together they must leave room in a Durable Object's 10 GB. */
function mergeBufferCaps(env: Env): Record<Importance, number> {
  const caps = { ...DEFAULT_BUFFER_CAPS, ...readSetting(env, "BUFFER_CAPS") };
  const total = caps[0] + caps[1] + caps[2] + caps[3];
  if (total > MAX_BUFFER_CAPS_TOTAL) {
    throw new ConfigError(
      "BUFFER_CAPS",
      `the four caps (defaults included) add up to ${total} bytes, more than ${MAX_BUFFER_CAPS_TOTAL}`,
      env.BUFFER_CAPS,
      false,
    );
  }
  return caps;
}

const cache = new WeakMap<object, Config>();

/** Parses the environment once per env object; throws ConfigError naming the bad setting. */
export function loadConfig(env: Env): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const config: Config = {
    environment: readSetting(env, "ENVIRONMENT"),
    flushIntervalSeconds: readSetting(env, "FLUSH_INTERVAL_SECONDS"),
    batchSize: readSetting(env, "BATCH_SIZE"),
    shardCount: readSetting(env, "SHARD_COUNT"),
    sampling: readSetting(env, "SAMPLING"),
    maxBatchBytes: 8 * 1024 * 1024,
    analyticsEnabled: readSetting(env, "ANALYTICS_ENABLED"),
    analyticsEndpoint: readSetting(env, "ANALYTICS_ENDPOINT"),
    analyticsMappingsDisabled: readSetting(env, "ANALYTICS_MAPPINGS_DISABLED"),
    analyticsDataset: readSetting(env, "ANALYTICS_DATASET"),
    logLevel: readSetting(env, "LOG_LEVEL"),
    maxEventBytes: readSetting(env, "MAX_EVENT_BYTES"),
    thresholds: mergeThresholds(readSetting(env, "BUFFER_THRESHOLDS")),
    bufferCaps: mergeBufferCaps(env),
    importanceRules: [...readSetting(env, "IMPORTANCE_RULES"), ...DEFAULT_IMPORTANCE_RULES],
    security: {
      adminToken: readSetting(env, "ADMIN_TOKEN"),
      ipHashSalt: readSetting(env, "IP_HASH_SALT"),
      redactFields: [...DEFAULT_REDACT_FIELDS, ...readSetting(env, "REDACT_FIELDS")],
      maxBodyBytes: readSetting(env, "MAX_BODY_BYTES"),
      keepCf: readSetting(env, "KEEP_CF_FIELDS"),
    },
    query: {
      maxObjects: readSetting(env, "QUERY_MAX_OBJECTS"),
      maxBytes: readSetting(env, "QUERY_MAX_BYTES"),
      maxListCalls: readSetting(env, "QUERY_MAX_LIST_CALLS"),
    },
    alerts: {
      rules: readSetting(env, "ALERT_RULES"),
      webhookSecret: readSetting(env, "ALERT_WEBHOOK_SECRET"),
      publicUrl: readSetting(env, "PUBLIC_URL"),
    },
  };
  cache.set(env, config);
  return config;
}
