import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { AlertTap } from "../../collector-do/alerts/alert-tap";
import type { AlertState } from "../../collector-do/alerts/state/alert-state";
import type { TailCollector } from "../../collector-do/tail-collector";
import { type AlertsView, alertState } from "../../schemas/alert-rpc";
import type { WireEvent } from "../../schemas/collector-rpc";
import type { AlertRule } from "../../schemas/config/alert-rules";
import { type AlertSettings, loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import type { Importance } from "../../schemas/importance";
import { collector } from "./collector";

export interface AlertHarnessOptions {
  shards?: number;
  secret?: string;
  /** The collectors' report interval (default: the real one). */
  intervalMs?: number;
  /**
   * Changes the parsed rules, past validation: tests shorten windows, deadlines and repeats to
   * seconds, which ALERT_RULES refuses (a window is at least 30 s, a repeat at least 1 m).
   */
  tweak?: (rule: AlertRule) => AlertRule;
}

export interface AlertHarness {
  settings: AlertSettings;
  state: DurableObjectStub<AlertState>;
  shards: DurableObjectStub<TailCollector>[];
  /** Gives the AlertState object the harness's settings again (after an eviction or restart). */
  configure(): Promise<void>;
}

/**
 * An AlertState object and collector shards of their own for one test, with the rules parsed
 * from ALERT_RULES exactly as a deployment parses them; each collector's tap reports to this
 * AlertState object.
 */
export async function alertHarness(name: string, rules: unknown[], options: AlertHarnessOptions = {}): Promise<AlertHarness> {
  const parsed = loadConfig({ ...env, ALERT_RULES: JSON.stringify(rules), ALERT_WEBHOOK_SECRET: options.secret } as Env).alerts;
  const settings: AlertSettings = {
    ...parsed,
    rules: parsed.rules.map(options.tweak ?? ((rule) => rule)),
    publicUrl: "https://do-tail.example",
  };
  const stateName = `alerts-${name}`;
  const state = alertState(env, stateName) as unknown as DurableObjectStub<AlertState>;
  const configure = () =>
    runInDurableObject(state, (instance: AlertState) => {
      instance.settings = settings;
    });
  await configure();
  const shards = Array.from({ length: options.shards ?? 1 }, (_, i) => collector(`${name}-shard-${i}`));
  for (const shard of shards) {
    await runInDurableObject(shard, (instance: TailCollector, ctx) => {
      // The sender makes its stub inside the collector, on each report, as the real one does.
      const send = (report: Parameters<AlertState["report"]>[0]) => alertState(env, stateName).report(report);
      instance.alerts = new AlertTap(ctx.id.toString(), settings.rules, send, options.intervalMs);
    });
  }
  return { settings, state, shards, configure };
}

/** Sends everything a collector's tap has counted, now (instead of waiting for its timer). */
export function flushTap(shard: DurableObjectStub<TailCollector>): Promise<void> {
  return runInDurableObject(shard, (instance: TailCollector) => instance.alerts.flush());
}

let nextId = 0;

export interface EventSpec {
  type?: string;
  kind?: "invocation" | "log" | "exception" | "diagnostic";
  importance?: Importance;
  script?: string | null;
  sampleRate?: number;
  data?: Record<string, unknown>;
}

/** Wire events whose archived JSON is a full envelope, as the tail worker would send them. */
export function alertEvents(count: number, spec: EventSpec = {}): WireEvent[] {
  const { type = "test_event", kind = "log", importance = 2, script = "test", sampleRate = 1, data = {} } = spec;
  return Array.from({ length: count }, () => {
    const id = `alert-evt-${++nextId}-0`;
    const timestamp = Date.now();
    const envelope = {
      id,
      invocationId: `alert-evt-${nextId}`,
      type,
      kind,
      importance,
      timestamp,
      script,
      namespace: null,
      sampleRate,
      data,
    };
    return { id, importance, timestamp, type, kind, namespace: null, asText: false, json: JSON.stringify(envelope) };
  });
}

/**
 * GET /alerts as the object answers it. The view holds `unknown` values (group values, `where`
 * conditions), which RPC's static types cannot follow (they make it `never`); the value is fine.
 */
export async function alertsView(state: DurableObjectStub<AlertState>): Promise<AlertsView> {
  return (await state.view()) as unknown as AlertsView;
}
