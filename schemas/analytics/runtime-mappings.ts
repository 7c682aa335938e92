import { defineMapping, type EventMapping, type MappingInput } from "./mapping";

/**
 * Analytics Engine layouts of the runtime analytics events, exactly as the Workers API document
 * gives them ("Event schemas (Analytics Engine)"): same blobs and doubles, in the same order, so
 * that queries written against the document work unchanged. Where this table differs from the
 * document it only appends, never reorders, and says why:
 *
 * Index decision. Analytics Engine samples per index value, and the issue rules out unique ids as
 * the index: an index that (nearly) every point has to itself makes sampling per point and groups
 * nothing. So:
 * - `run_start` / `run_complete`: the document allows `runId|capsuleId`; a run id is unique per
 *   run (one start, one complete), so the index is `capsuleId`.
 * - `player_console_log`: the document says `runId`; the lines of one run share it, but it is new
 *   for every run, so the index is `capsuleId` here too.
 *   For these three, `runId` is appended as the last blob (blob 7), so one run's points can still
 *   be found; blobs 1–6 are the document's.
 * - `artifact_compile`: the document says `artifactId`; an artifact is compiled once, so the id is
 *   unique per point. The index is `runtimeType`, which the "p95 compile elapsedMs by
 *   runtimeType" dashboard groups by; `artifactId` stays in blob 5 as documented.
 * - `import` / `publish` (`userId`), `runtime_event` (`artifactId|capsuleId`: an artifact runs
 *   many times), `safety_verdict` (`codeHash`: the same code is judged again and again) keep the
 *   document's index. `run_quota_observation`, `live_waitlist` and `do_status` have none.
 *
 * `runtime_event`: blob 1 is the runtime's own event name (the document's `event`), so rows of
 * this kind cannot be told apart by blob 1; `"runtime_event"` is appended as blob 8 to do that.
 */
const RUN_BLOBS = ["_event", "status", "plan", "capsuleId", "postId", "error", "runId"] as const;
const UPLOAD_DOUBLES = ["totalSizeBytes", "fileCount", "warningCount"] as const;

const tagsCsv = { name: "tagsCsv", read: ({ data }: MappingInput) => (Array.isArray(data.tags) ? data.tags.join(",") : data.tags) };
const reasons = {
  name: "reasons",
  read: ({ data }: MappingInput) => (Array.isArray(data.reasons) ? data.reasons.join("; ") : data.reasons),
};
const artifactOrCapsule = {
  name: "artifactId|capsuleId",
  read: ({ data }: MappingInput) => (typeof data.artifactId === "string" && data.artifactId !== "" ? data.artifactId : data.capsuleId),
};
const isErrorFlag = { name: "isErrorFlag", read: ({ data }: MappingInput) => data.isError === true };
const one = { name: "1", read: () => 1 };
const runtimeEventKind = { name: '"runtime_event"', read: () => "runtime_event" };

const compileCounter = (event: string) => defineMapping(event, { blobs: ["_event"], doubles: [] });

export const RUNTIME_MAPPINGS: readonly EventMapping[] = [
  defineMapping("import", { blobs: ["_event", "outcome", "plan", "code"], doubles: UPLOAD_DOUBLES, index: "userId" }),
  defineMapping("publish", { blobs: ["_event", "outcome", "plan", "code", "capsuleId"], doubles: UPLOAD_DOUBLES, index: "userId" }),
  defineMapping("artifact_compile", {
    blobs: ["_event", "outcome", "runtimeType", "errorCode", "artifactId"],
    doubles: ["bundleSizeBytes", "elapsedMs", "warningCount"],
    index: "runtimeType",
  }),
  compileCounter("artifact_compile_queued"),
  compileCounter("artifact_compile_success"),
  compileCounter("artifact_compile_failed"),
  defineMapping("run_start", { blobs: RUN_BLOBS, doubles: ["durationMs"], index: "capsuleId" }),
  defineMapping("run_complete", { blobs: RUN_BLOBS, doubles: ["durationMs"], index: "capsuleId" }),
  defineMapping("run_quota_observation", { blobs: ["_event", "plan", "userId"], doubles: ["runsThisMonth", "percentUsed"] }),
  defineMapping("player_console_log", {
    blobs: ["_event", "level", "source", "message", "capsuleId", "postId", "runId"],
    doubles: ["timestampMs", "sampleRate"],
    index: "capsuleId",
  }),
  defineMapping("runtime_event", {
    blobs: ["event", "capsuleId", "artifactId", "runtimeType", "runtimeVersion", "code", "message", runtimeEventKind],
    doubles: ["timestampMs", isErrorFlag],
    index: artifactOrCapsule,
  }),
  defineMapping("safety_verdict", {
    blobs: ["_event", "entryPath", "riskLevel", "decision", tagsCsv, reasons],
    doubles: [],
    index: "codeHash",
  }),
  defineMapping("live_waitlist", { blobs: ["_event", "plan", "sessionId"], doubles: [] }),
  defineMapping("do_status", { blobs: ["_event"], doubles: [one] }),
];
