import * as v from "valibot";

/**
 * The runtime analytics events of the Workers API document ("Event schemas (Analytics Engine)").
 * The document gives each event's Analytics Engine layout; the JSON fields a producer logs are
 * named after those blobs, doubles and indexes (`totalSizeBytes`, `capsuleId`, `runId`, …).
 * Where the document leaves a value unnamed (`allow|block`) or encoded (`tagsCsv`), the field is
 * `decision` and `tags`. Blobs the layout lists but a producer may not have (error codes, post
 * ids) are optional. Loose objects: producers may add any other field.
 */
const text = v.string();
const optionalText = v.optional(v.string());
const number = v.number();

const event = <N extends string, E extends v.ObjectEntries>(name: N, entries: E) =>
  v.looseObject({ _event: v.literal(name), timestamp: v.optional(v.number()), ...entries });

const uploadFields = {
  outcome: text,
  plan: text,
  code: optionalText,
  totalSizeBytes: number,
  fileCount: number,
  warningCount: number,
  userId: text,
};

export const Import = event("import", uploadFields);

export const Publish = event("publish", { ...uploadFields, capsuleId: text });

export const ArtifactCompile = event("artifact_compile", {
  outcome: text,
  runtimeType: text,
  errorCode: optionalText,
  artifactId: text,
  bundleSizeBytes: number,
  elapsedMs: number,
  warningCount: number,
});

/** The compile counters are blob-only: the event name is the measurement. */
const compileCounter = <N extends string>(name: N) => event(name, { artifactId: optionalText, runtimeType: optionalText });
export const ArtifactCompileQueued = compileCounter("artifact_compile_queued");
export const ArtifactCompileSuccess = compileCounter("artifact_compile_success");
export const ArtifactCompileFailed = compileCounter("artifact_compile_failed");

const runFields = {
  runId: text,
  status: text,
  plan: text,
  capsuleId: text,
  postId: optionalText,
  error: optionalText,
};

export const RunStart = event("run_start", { ...runFields, durationMs: v.optional(number) });

export const RunComplete = event("run_complete", { ...runFields, durationMs: number });

export const RunQuotaObservation = event("run_quota_observation", {
  plan: text,
  userId: text,
  runsThisMonth: number,
  percentUsed: number,
});

export const PlayerConsoleLog = event("player_console_log", {
  level: text,
  source: text,
  message: text,
  capsuleId: text,
  postId: optionalText,
  timestampMs: number,
  sampleRate: number,
  runId: text,
});

/** `event` is the runtime's own event name as posted to /runtime-events (the D1 `event_name`). */
export const RuntimeEvent = event("runtime_event", {
  event: text,
  capsuleId: optionalText,
  artifactId: optionalText,
  runtimeType: optionalText,
  runtimeVersion: optionalText,
  code: optionalText,
  message: optionalText,
  timestampMs: number,
  isError: v.boolean(),
});

export const SafetyVerdict = event("safety_verdict", {
  entryPath: text,
  riskLevel: text,
  decision: v.picklist(["allow", "block"]),
  tags: v.array(v.string()),
  reasons: v.union([v.string(), v.array(v.string())]),
  codeHash: text,
});

export const LiveWaitlist = event("live_waitlist", { plan: text, sessionId: text });

export const DoStatus = event("do_status", {});

export const RUNTIME_ANALYTICS_EVENTS = {
  import: Import,
  publish: Publish,
  artifact_compile: ArtifactCompile,
  artifact_compile_queued: ArtifactCompileQueued,
  artifact_compile_success: ArtifactCompileSuccess,
  artifact_compile_failed: ArtifactCompileFailed,
  run_start: RunStart,
  run_complete: RunComplete,
  run_quota_observation: RunQuotaObservation,
  player_console_log: PlayerConsoleLog,
  runtime_event: RuntimeEvent,
  safety_verdict: SafetyVerdict,
  live_waitlist: LiveWaitlist,
  do_status: DoStatus,
} as const;
