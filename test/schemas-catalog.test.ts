import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { DO_FRAMEWORK_EVENTS, DO_FRAMEWORK_NAMESPACES } from "../schemas/catalog/do-framework";
import { EVENT_SCHEMAS, schemaFor } from "../schemas/catalog/registry";
import { NAMESPACE_HANDLERS } from "../tail-worker/classify/namespaces";
import { doFrameworkSample, HEARTBEAT_SAMPLE, listedSamples, RUNTIME_SAMPLES, WIDE_EVENT_SAMPLES } from "./helpers/catalog-samples";

// The catalogs are the seed documents' event lists; the registry maps every name to its schema.

/** Appendix D of the observability document, by section. */
const APPENDIX_D = [
  ["session_created", "session_accessed", "session_updated", "session_published", "session_remixed"],
  ["ws_session_end", "ws_player_joined", "ws_player_left"],
  ["error_rate_limit", "error_quota_exceeded", "error_validation", "error_ws_connection", "error_invariant", "error_mutation_rejected"],
  ["sync_hash_mismatch", "sync_snapshot_sent", "sync_client_behind"],
  ["playback_started", "playback_stopped"],
].flat();

/** "Event schemas (Analytics Engine)" of the Workers API document, counters included. */
const WORKERS_API = [
  "import",
  "publish",
  "artifact_compile",
  "artifact_compile_queued",
  "artifact_compile_success",
  "artifact_compile_failed",
  "run_start",
  "run_complete",
  "run_quota_observation",
  "player_console_log",
  "runtime_event",
  "safety_verdict",
  "live_waitlist",
  "do_status",
];

const issuePaths = (name: string, data: unknown) => {
  const result = v.safeParse(schemaFor(name)!, data);
  return result.success ? [] : result.issues.map((issue) => v.getDotPath(issue));
};

describe("the registry", () => {
  it("knows every catalog's names and nothing else", () => {
    const doNames = NAMESPACE_HANDLERS.flatMap((h) => h.events.map((e) => `${h.namespace}.${e}`));
    expect([...EVENT_SCHEMAS.keys()].sort()).toEqual([...APPENDIX_D, ...WORKERS_API, "heartbeat", ...doNames].sort());
  });

  it("has the 13 namespaces of the tail worker document, with the events the tail worker's handlers know", () => {
    expect(Object.keys(DO_FRAMEWORK_NAMESPACES)).toHaveLength(13);
    for (const handler of NAMESPACE_HANDLERS) {
      expect(DO_FRAMEWORK_NAMESPACES[handler.namespace as keyof typeof DO_FRAMEWORK_NAMESPACES]).toEqual(handler.events);
    }
  });

  it("answers undefined for names outside every catalog", () => {
    expect(schemaFor("checkout_completed")).toBeUndefined();
    expect(schemaFor("AI.Generation.teleported")).toBeUndefined();
    expect(schemaFor("__proto__")).toBeUndefined();
  });
});

describe("every known event", () => {
  it.each(listedSamples())("accepts a valid %s", (name, sample) => {
    expect(issuePaths(name, sample)).toEqual([]);
  });

  it.each(Object.keys(DO_FRAMEWORK_EVENTS))("accepts a valid %s", (name) => {
    expect(issuePaths(name, doFrameworkSample(name))).toEqual([]);
  });

  it.each(listedSamples())("keeps the producer's extra fields on %s (loose objects)", (name, sample) => {
    const extra = { ...sample, tenantId: "t-42", featureFlags: ["a", "b"], nested: { deep: true } };
    expect(v.parse(schemaFor(name)!, extra)).toMatchObject({ tenantId: "t-42", featureFlags: ["a", "b"], nested: { deep: true } });
  });
});

describe("invalid events", () => {
  it("reports the field of a wrong type", () => {
    expect(issuePaths("run_complete", { _event: "run_complete", ...RUNTIME_SAMPLES.run_complete, durationMs: "1234ms" })).toEqual([
      "durationMs",
    ]);
    expect(issuePaths("heartbeat", { ...HEARTBEAT_SAMPLE, _event: "heartbeat", latencyMs: "98" })).toEqual(["latencyMs"]);
  });

  it("reports a missing required field", () => {
    const { sessionId: _omitted, ...rest } = WIDE_EVENT_SAMPLES.ws_session_end!;
    expect(issuePaths("ws_session_end", { _event: "ws_session_end", ...rest })).toEqual(["sessionId"]);
  });

  it("holds enumerated fields to the document's values", () => {
    expect(
      issuePaths("ws_session_end", { _event: "ws_session_end", ...WIDE_EVENT_SAMPLES.ws_session_end, disconnectReason: "vanished" }),
    ).toEqual(["disconnectReason"]);
    expect(issuePaths("session_created", { _event: "session_created", ...WIDE_EVENT_SAMPLES.session_created, source: "copy" })).toEqual([
      "source",
    ]);
    expect(issuePaths("safety_verdict", { _event: "safety_verdict", ...RUNTIME_SAMPLES.safety_verdict, decision: "maybe" })).toEqual([
      "decision",
    ]);
    expect(issuePaths("heartbeat", { ...HEARTBEAT_SAMPLE, _event: "heartbeat", status: "sideways" })).toEqual(["status"]);
  });

  it("checks the values of messagesByType", () => {
    const sample = { _event: "ws_session_end", ...WIDE_EVENT_SAMPLES.ws_session_end, messagesByType: { toggle_step: "many" } };
    expect(issuePaths("ws_session_end", sample)).toEqual(["messagesByType.toggle_step"]);
  });

  it("makes a failed namespaced event say why", () => {
    expect(issuePaths("AI.Generation.failed", { _event: "AI.Generation.failed", model: "m" })).toEqual(["error"]);
    expect(issuePaths("AI.Generation.failed", { _event: "AI.Generation.failed", error: "" })).toEqual(["error"]);
    expect(issuePaths("AI.Generation.completed", { _event: "AI.Generation.completed" })).toEqual([]);
  });

  it("types a namespace's own fields when they are present", () => {
    expect(issuePaths("AI.Generation.completed", { _event: "AI.Generation.completed", tokens: "1500" })).toEqual(["tokens"]);
    expect(issuePaths("Financial.Payment.completed", { _event: "Financial.Payment.completed", amount: "12.50" })).toEqual(["amount"]);
  });

  it("rejects an event under another event's name", () => {
    expect(issuePaths("run_start", { ...RUNTIME_SAMPLES.run_start, _event: "run_complete" })).toEqual(["_event"]);
  });
});
