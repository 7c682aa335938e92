import { HEARTBEAT_SAMPLE, RUNTIME_SAMPLES, WIDE_EVENT_SAMPLES } from "./catalog-samples";
import { pickFrom, seededRandom } from "./query-events";
import { fetchEvent, logAt, type TestTraceItem, traceItem } from "./trace-items";

/**
 * TraceItems of the example producers' traffic, as `npm run traffic` makes them: one producer
 * invocation per item, each logging one wide event built from the catalog samples with values
 * drawn from a seeded generator (the same on every run), and now and then a plain console line.
 * Every event with an Analytics Engine mapping is in the mix, and a few deliberately invalid ones.
 *
 * Invocation `i` starts at `start + i * stepMs` (plus 123 ms, so that times are not whole
 * seconds), each at a second of its own: except for bursts, where the same event comes from a few
 * invocations in the same second (retries, fan-out), as identical data points do in practice.
 */
export const MESSAGE_TYPES = ["toggle_step", "set_tempo", "play", "stop", "clock_sync", "request_snapshot"];
export const PLAYERS = ["abc123", "p_ann", "p_bob", "p_cy", "p_dee"];
export const COLOS = ["ewr", "lhr", "fra", "sin", "nrt"];
export const CAPSULES = ["cap_1", "cap_2", "cap_3", "cap_4", "cap_5"];
export const MONITORS: Record<string, string> = {
  mon_checkout_api: "org_acme",
  mon_search: "org_globex",
  mon_login: "org_acme",
  mon_cdn: "org_initech",
};
const PLANS = ["free", "pro", "creator"];
const USERS = ["user_1", "user_2", "user_3", "user_4"];
const REGIONS = ["wnam", "enam", "weur", "apac"];
const RUNTIMES = ["react", "python", "html"];
const MODELS = ["llama-3", "mistral-7b"];

type Fields = Record<string, unknown>;
type Draw = () => number;

const int = (random: Draw, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

/** Each producer's events: [weight, script, make(random, i, t)]. */
const SCENARIOS: [number, string, (random: Draw, i: number, t: number) => Fields][] = [
  [
    10,
    "session-api",
    (random, i, t) => {
      const duration = int(random, 5, 3600);
      const types = MESSAGE_TYPES.filter(() => random() < 0.5);
      const messagesByType = Object.fromEntries(types.map((type) => [type, int(random, 1, 40)]));
      return {
        ...WIDE_EVENT_SAMPLES.ws_session_end,
        _event: "ws_session_end",
        timestamp: t,
        sessionId: `s${i}`,
        playerId: pickFrom(random, PLAYERS),
        colo: pickFrom(random, COLOS),
        connectedAt: t - duration * 1000,
        disconnectedAt: t,
        duration,
        disconnectReason: random() < 0.75 ? "normal_close" : pickFrom(random, ["error", "timeout", "kicked"]),
        messagesByType,
        messageCount: Object.values(messagesByType).reduce((a, b) => a + b, 0),
        hashMismatchCount: random() < 0.7 ? 0 : int(random, 1, 4),
      };
    },
  ],
  [
    10,
    "code-runner",
    (random, i) => {
      const status = pickFrom(random, ["success", "success", "success", "success", "failed", "killed"]);
      return {
        ...RUNTIME_SAMPLES.run_complete,
        _event: "run_complete",
        runId: `run_${i}`,
        status,
        plan: pickFrom(random, PLANS),
        capsuleId: pickFrom(random, CAPSULES),
        postId: `post_${int(random, 1, 9)}`,
        error: status === "success" ? "" : pickFrom(random, ["TypeError", "timeout", "OOM"]),
        durationMs: int(random, 20, 5000),
      };
    },
  ],
  [
    3,
    "code-runner",
    (random, i) => ({
      _event: "run_start",
      runId: `run_${i}`,
      status: "started",
      plan: pickFrom(random, PLANS),
      capsuleId: pickFrom(random, CAPSULES),
    }),
  ],
  [
    6,
    "code-runner",
    (random, i, t) => ({
      ...RUNTIME_SAMPLES.player_console_log,
      _event: "player_console_log",
      level: pickFrom(random, ["log", "log", "info", "warn", "error"]),
      message: `line ${i}`,
      capsuleId: pickFrom(random, CAPSULES),
      timestampMs: t,
      sampleRate: pickFrom(random, [1, 0.5, 0.25]),
      runId: `run_${int(random, 1, 50)}`,
    }),
  ],
  [
    10,
    "uptime-monitor",
    (random, i, t) => {
      const monitorId = pickFrom(random, Object.keys(MONITORS));
      const status = pickFrom(random, ["up", "up", "up", "up", "up", "up", "degraded", "down"]);
      return {
        ...HEARTBEAT_SAMPLE,
        _event: "heartbeat",
        timestamp: t,
        monitorId,
        orgId: MONITORS[monitorId],
        region: pickFrom(random, REGIONS),
        status,
        latencyMs: status === "down" ? 10_000 : int(random, 20, status === "degraded" ? 4000 : 900),
        statusCode: status === "down" ? 0 : 200,
        dispatchId: `disp_${Math.floor(i / 4)}`,
        error: status === "down" ? "timed out after 10000 ms" : "",
      };
    },
  ],
  [
    3,
    "code-runner",
    (random, i) => {
      const step = pickFrom(random, ["import", "publish"]);
      return {
        ...RUNTIME_SAMPLES[step],
        _event: step,
        outcome: pickFrom(random, ["success", "success", "success", "failed"]),
        plan: pickFrom(random, PLANS),
        userId: pickFrom(random, USERS),
        totalSizeBytes: int(random, 1000, 90_000),
        fileCount: int(random, 1, 20),
        warningCount: int(random, 0, 12),
        ...(step === "publish" ? { capsuleId: `cap_${i % 5}` } : {}),
      };
    },
  ],
  [
    3,
    "code-runner",
    (random, i) => {
      const outcome = pickFrom(random, ["success", "success", "failed"]);
      return {
        ...RUNTIME_SAMPLES.artifact_compile,
        _event: "artifact_compile",
        outcome,
        runtimeType: pickFrom(random, RUNTIMES),
        errorCode: outcome === "failed" ? "syntax_error" : "",
        artifactId: `art_${i}`,
        elapsedMs: int(random, 100, 8000),
      };
    },
  ],
  [
    3,
    "code-runner",
    (random, i) => ({
      _event: pickFrom(random, ["artifact_compile_queued", "artifact_compile_success", "artifact_compile_failed"]),
      artifactId: `art_${i}`,
    }),
  ],
  [
    2,
    "code-runner",
    (random) => ({
      ...RUNTIME_SAMPLES.run_quota_observation,
      _event: "run_quota_observation",
      plan: pickFrom(random, PLANS),
      userId: pickFrom(random, USERS),
      runsThisMonth: int(random, 1, 200),
      percentUsed: int(random, 1, 100),
    }),
  ],
  [
    4,
    "code-runner",
    (random, _i, t) => {
      const event = pickFrom(random, ["runtime_error", "runtime_error", "runtime_ready", "runtime_warning"]);
      return {
        ...RUNTIME_SAMPLES.runtime_event,
        _event: "runtime_event",
        event,
        capsuleId: pickFrom(random, CAPSULES),
        artifactId: random() < 0.3 ? "" : `art_${int(random, 1, 6)}`,
        runtimeType: pickFrom(random, RUNTIMES),
        code: event === "runtime_error" ? pickFrom(random, ["E_UNCAUGHT", "E_TIMEOUT", "E_IMPORT"]) : "",
        message: event === "runtime_error" ? "x is undefined" : "ok",
        timestampMs: t,
        isError: event === "runtime_error",
      };
    },
  ],
  [
    2,
    "code-runner",
    (random) => {
      const riskLevel = pickFrom(random, ["low", "medium", "high"]);
      return {
        ...RUNTIME_SAMPLES.safety_verdict,
        _event: "safety_verdict",
        entryPath: pickFrom(random, ["index.html", "main.js"]),
        riskLevel,
        decision: riskLevel === "high" ? "block" : "allow",
        codeHash: pickFrom(random, ["c0ffee", "deadbeef", "f00d", "beef"]),
      };
    },
  ],
  [2, "code-runner", (random, i) => ({ _event: "live_waitlist", plan: pickFrom(random, PLANS), sessionId: `sess_${i}` })],
  [1, "code-runner", () => ({ _event: "do_status" })],
  [
    5,
    "do-framework",
    (random, i) => {
      const kind = pickFrom(random, [
        "AI.Generation.completed",
        "AI.Generation.completed",
        "AI.Generation.failed",
        "RPC.Request.received",
        "Workflow.Step.completed",
        "CDC.Event.emitted",
      ]);
      const fields: Fields = { _event: kind, id: `x-${i}`, duration: int(random, 5, 4000) };
      if (kind.startsWith("AI."))
        Object.assign(fields, { model: pickFrom(random, MODELS), tokens: kind.endsWith("failed") ? 0 : int(random, 10, 3000) });
      if (kind.endsWith("failed")) fields.error = "model overloaded";
      if (kind.startsWith("RPC.")) fields.method = pickFrom(random, ["getUser", "putUser"]);
      if (kind.startsWith("Workflow.")) fields.step = pickFrom(random, ["fetch", "render"]);
      if (kind.startsWith("CDC.")) Object.assign(fields, { table: pickFrom(random, ["users", "orders"]), count: int(random, 1, 50) });
      return fields;
    },
  ],
];

const TOTAL_WEIGHT = SCENARIOS.reduce((sum, [weight]) => sum + weight, 0);

function scenario(random: Draw): [string, (random: Draw, i: number, t: number) => Fields] {
  let pick = random() * TOTAL_WEIGHT;
  for (const [weight, script, make] of SCENARIOS) {
    pick -= weight;
    if (pick < 0) return [script, make];
  }
  const [, script, make] = SCENARIOS[SCENARIOS.length - 1]!;
  return [script, make];
}

export interface TrafficOptions {
  start: number;
  invocations: number;
  /** Time between invocations; at least a second, so that each has a second of its own. */
  stepMs?: number;
  seed?: number;
}

export function trafficMix({ start, invocations, stepMs = 60_000, seed = 1 }: TrafficOptions): TestTraceItem[] {
  const random = seededRandom(seed);
  const items: TestTraceItem[] = [];
  for (let i = 0; i < invocations; i++) {
    const t = start + i * stepMs + 123;
    const [script, make] = scenario(random);
    let fields = make(random, i, t);
    // About one event in 40 is invalid, as producers' `x-simulate: invalid` makes them.
    if (random() < 0.025) fields = { ...fields, ...(fields._event === "heartbeat" ? { region: 7 } : { durationMs: "831ms", plan: 3 }) };
    const noise = random() < 0.2 ? [logAt(t + 1, "log", `handled request ${i}`)] : [];
    const copies = random() < 0.08 ? int(random, 2, 4) : 1;
    for (let copy = 0; copy < copies; copy++) {
      items.push(
        traceItem({
          scriptName: script,
          eventTimestamp: t,
          event: fetchEvent("POST", `https://${script}.example/${String(fields._event)}`, 200),
          logs: [logAt(t, "log", JSON.stringify(fields)), ...noise],
          // Copies are separate invocations: their own timings, so their own ids.
          cpuTime: 2 + copy,
          wallTime: 17 + copy,
        }),
      );
    }
  }
  return items;
}
