import { between, chance, latency, pick, shortId } from "../../lib/random";
import { type Correlation, WideEvent } from "../../lib/wide-event";
import { PLANS, type Simulate } from "./domain";

export interface RunBody {
  capsuleId?: string;
  postId?: string;
  plan?: string;
  userId?: string;
}

const MONTHLY_RUNS: Record<string, number> = { free: 200, creator: 2_000, pro: 20_000 };
/** Runs per user this month, per isolate; a real runner reads them from its database. */
const runsThisMonth = new Map<string, number>();

const LOG_LINES = [
  { level: "log", message: "rendering frame" },
  { level: "info", message: "assets loaded" },
  { level: "debug", message: "state updated" },
  { level: "warn", message: "deprecated API used: document.write" },
  { level: "error", message: "TypeError: cannot read properties of undefined (reading 'x')" },
] as const;

/** One player run never logs more lines than this, and only a sample of them is reported. */
const MAX_LOG_LINES = 8;
const LOG_SAMPLE_RATE = 0.5;

/**
 * POST /runs: `run_start`, a sample of the player's console as `player_console_log`, `run_complete`
 * and the user's `run_quota_observation`. `simulate: "invalid"` makes `run_complete.durationMs` a
 * string, a deliberately invalid event that do-tail archives with its validation issues;
 * `simulate: "fail"` makes the run fail.
 */
export function runCapsule(body: RunBody, correlation: Correlation, simulate?: Simulate): Response {
  const invalid = simulate === "invalid";
  const runId = shortId("run");
  const capsuleId = body.capsuleId ?? shortId("cap");
  const postId = body.postId ?? "";
  const plan = body.plan ?? pick(PLANS);
  const userId = body.userId ?? shortId("user");
  const base = { runId, capsuleId, postId, plan, userId };

  new WideEvent("run_start", correlation, { ...base, status: "started" }).emit();

  const lines = between(0, MAX_LOG_LINES);
  let sawError = false;
  for (let i = 0; i < lines; i++) {
    const line = pick(LOG_LINES);
    sawError ||= line.level === "error";
    if (!chance(LOG_SAMPLE_RATE)) continue;
    new WideEvent("player_console_log", correlation, {
      ...base,
      level: line.level,
      source: pick(["console", "runtime", "iframe"]),
      message: line.message,
      timestampMs: Date.now(),
      sampleRate: LOG_SAMPLE_RATE,
      line: i,
    }).emit();
  }

  // An asked-for failure is a failure, never a random kill.
  const killed = simulate !== "fail" && chance(0.03);
  const status = killed ? "killed" : simulate === "fail" || (sawError && chance(0.6)) ? "failed" : "success";
  const durationMs = killed ? 30_000 : latency(plan === "pro" ? 800 : 1500);
  new WideEvent("run_complete", correlation, {
    ...base,
    status,
    outcome: status === "success" ? "ok" : "error",
    error: status === "failed" ? "uncaught TypeError in player" : status === "killed" ? "cpu time limit exceeded" : "",
    durationMs: invalid ? (`${durationMs}ms` as unknown as number) : durationMs,
    logLines: lines,
  }).emit();

  const used = (runsThisMonth.get(userId) ?? between(0, (MONTHLY_RUNS[plan] ?? 200) / 2)) + 1;
  runsThisMonth.set(userId, used);
  new WideEvent("run_quota_observation", correlation, {
    plan,
    userId,
    runsThisMonth: used,
    percentUsed: Math.round((used / (MONTHLY_RUNS[plan] ?? 200)) * 1000) / 10,
  }).emit();

  return Response.json({ runId, status, durationMs }, { status: status === "success" ? 200 : 500 });
}
