import { describe, expect, it } from "vitest";
import { AE_LIMITS, type DataPoint } from "../schemas/analytics/data-point";
import { limitViolation } from "../schemas/analytics/limits";
import { MAX_BLOB_CHARS } from "../schemas/analytics/mapping";
import { ANALYTICS_MAPPINGS, mappingFor } from "../schemas/analytics/mappings";
import { DO_FRAMEWORK_NAMESPACES } from "../schemas/catalog/do-framework";
import { HEARTBEAT_SAMPLE, RUNTIME_SAMPLES } from "./helpers/catalog-samples";

// Every mapped event type produces the documented data point: the Workers API document's exact
// layouts for the runtime events, and the dashboard layouts for heartbeats and DO-framework events.

const point = (type: string, data: Record<string, unknown>, script: string | null = "producer") =>
  mappingFor(type)!.toDataPoint({ type, data: { _event: type, ...data }, script });
const T = Date.UTC(2031, 2, 14, 9, 0, 0);

/** Sample fields (valid for the catalog) → the data point the document describes for them. */
const RUNTIME_EXPECTED: Record<string, DataPoint> = {
  import: { blobs: ["import", "success", "pro", "ok"], doubles: [52_000, 7, 1, 1], indexes: ["user_1"] },
  publish: { blobs: ["publish", "success", "free", "ok", "cap_1"], doubles: [9_000, 2, 0, 1], indexes: ["user_2"] },
  artifact_compile: {
    blobs: ["artifact_compile", "failed", "python", "syntax_error", "art_1"],
    doubles: [4_000, 2_300, 2, 1],
    indexes: ["python"],
  },
  artifact_compile_queued: { blobs: ["artifact_compile_queued"], doubles: [1], indexes: [] },
  artifact_compile_success: { blobs: ["artifact_compile_success"], doubles: [1], indexes: [] },
  artifact_compile_failed: { blobs: ["artifact_compile_failed"], doubles: [1], indexes: [] },
  run_start: { blobs: ["run_start", "started", "pro", "cap_1", "post_1", "", "run_1"], doubles: [0, 1], indexes: ["cap_1"] },
  run_complete: {
    blobs: ["run_complete", "failed", "pro", "cap_1", "post_1", "TypeError", "run_1"],
    doubles: [1_234, 1],
    indexes: ["cap_1"],
  },
  run_quota_observation: { blobs: ["run_quota_observation", "free", "user_1"], doubles: [150, 75, 1], indexes: [] },
  player_console_log: {
    blobs: ["player_console_log", "warn", "console", "deprecated", "cap_1", "post_1", "run_1"],
    doubles: [T, 0.5, 1],
    indexes: ["cap_1"],
  },
  runtime_event: {
    blobs: ["runtime_error", "cap_1", "art_1", "react", "2026.11.0", "E_UNCAUGHT", "boom", "runtime_event"],
    doubles: [T, 1, 1],
    indexes: ["art_1"],
  },
  safety_verdict: {
    blobs: ["safety_verdict", "index.html", "high", "block", "eval,cookies", "dynamic code evaluation; reads cookies"],
    doubles: [1],
    indexes: ["c0ffee"],
  },
  live_waitlist: { blobs: ["live_waitlist", "creator", "sess_1"], doubles: [1], indexes: [] },
  do_status: { blobs: ["do_status"], doubles: [1, 1], indexes: [] },
};

const doNames = Object.entries(DO_FRAMEWORK_NAMESPACES).flatMap(([ns, events]) => events.map((e) => `${ns}.${e}`));

describe("the mapping table", () => {
  it("maps the runtime analytics events, heartbeats and every DO-framework event, and nothing else", () => {
    expect([...ANALYTICS_MAPPINGS.keys()].sort()).toEqual([...Object.keys(RUNTIME_EXPECTED), "heartbeat", ...doNames].sort());
  });

  it("does not forward the observability document's wide events", () => {
    for (const name of ["session_created", "ws_session_end", "error_rate_limit", "sync_hash_mismatch", "playback_started"])
      expect(mappingFor(name)).toBeUndefined();
  });
});

describe("runtime analytics layouts (Workers API document)", () => {
  it.each(Object.entries(RUNTIME_EXPECTED))("%s", (type, expected) => {
    expect(point(type, RUNTIME_SAMPLES[type]!)).toEqual(expected);
  });

  it("keeps the document's blob and double order for run_complete: [event, status, plan, capsuleId, postId, error], [durationMs]", () => {
    expect(mappingFor("run_complete")!.describe).toEqual({
      blobs: ["_event", "status", "plan", "capsuleId", "postId", "error", "runId"],
      doubles: ["durationMs", "sampleRate"],
      index: "capsuleId",
    });
  });

  it("indexes runtime events by artifact, or by capsule when there is no artifact", () => {
    const { artifactId: _none, ...withoutArtifact } = RUNTIME_SAMPLES.runtime_event!;
    expect(point("runtime_event", withoutArtifact).indexes).toEqual(["cap_1"]);
  });

  it("never uses a per-run or per-build unique id as the index", () => {
    const runs = [1, 2, 3].map((n) => point("run_complete", { ...RUNTIME_SAMPLES.run_complete, runId: `run_${n}` }).indexes);
    expect(new Set(runs.map(String)).size).toBe(1);
    const builds = [1, 2, 3].map((n) => point("artifact_compile", { ...RUNTIME_SAMPLES.artifact_compile, artifactId: `art_${n}` }).indexes);
    expect(new Set(builds.map(String)).size).toBe(1);
  });
});

describe("heartbeat layout (uptime % and p95 latency per monitor and region)", () => {
  it("puts monitor, org, region, status, dispatch and error in blobs, latency and availability in doubles", () => {
    expect(point("heartbeat", HEARTBEAT_SAMPLE)).toEqual({
      blobs: ["heartbeat", "mon_search", "org_globex", "apac", "down", "disp_1", "timed out after 10000 ms"],
      doubles: [10_000, 0, 0, 1],
      indexes: ["mon_search"],
    });
  });

  it("counts up and degraded checks as available", () => {
    for (const [status, available] of [
      ["up", 1],
      ["degraded", 1],
      ["down", 0],
    ] as const) {
      expect(point("heartbeat", { ...HEARTBEAT_SAMPLE, status, statusCode: 200 }).doubles).toEqual([10_000, available, 200, 1]);
    }
  });
});

describe("DO-framework layout", () => {
  const doEvents = Object.entries(DO_FRAMEWORK_NAMESPACES).flatMap(([ns, events]) => events.map((e) => [`${ns}.${e}`, ns] as const));
  it.each(doEvents)(
    "%s: [event, namespace, outcome, error, subject, script], [duration, failed, quantity], index namespace",
    (type, namespace) => {
      const failed = type.endsWith("failed");
      const result = point(type, { duration: 42, ...(failed ? { error: "boom" } : {}) });
      expect(result).toEqual({
        blobs: [type, namespace, failed ? "failed" : "ok", failed ? "boom" : "", "", "producer"],
        doubles: [42, failed ? 1 : 0, 0, 1],
        indexes: [namespace],
      });
    },
  );

  it("carries each namespace's own subject and quantity", () => {
    expect(point("AI.Generation.completed", { model: "llama", tokens: 1500, duration: 2340 })).toEqual({
      blobs: ["AI.Generation.completed", "AI", "ok", "", "llama", "producer"],
      doubles: [2340, 0, 1500, 1],
      indexes: ["AI"],
    });
    expect(point("Financial.Payment.completed", { amount: 12.5, currency: "eur" }, null).blobs).toEqual([
      "Financial.Payment.completed",
      "Financial",
      "ok",
      "",
      "eur",
      "",
    ]);
    expect(point("CDC.Buffer.flushed", { table: "messages", count: 17 }).doubles).toEqual([0, 0, 17, 1]);
  });

  it("counts an event carrying an error as failed, whatever its name", () => {
    expect(point("RPC.Response.sent", { method: "chat", error: "late" }).blobs.slice(2, 5)).toEqual(["failed", "late", "chat"]);
  });
});

describe("every mapping fits Analytics Engine's limits", () => {
  it.each([...ANALYTICS_MAPPINGS.keys()])("%s", (type) => {
    const mapping = mappingFor(type)!;
    expect(mapping.describe.blobs.length).toBeLessThanOrEqual(AE_LIMITS.blobs);
    expect(mapping.describe.doubles.length).toBeLessThanOrEqual(AE_LIMITS.doubles);
    // Every field at its longest: free text is cut to MAX_BLOB_CHARS per blob.
    const long = "x".repeat(MAX_BLOB_CHARS * 3);
    const data = Object.fromEntries([...mapping.describe.blobs, "event", "message", "error", "model", "reasons"].map((f) => [f, long]));
    const result = mapping.toDataPoint({ type, data, script: long });
    expect(result.blobs.every((b) => b.length <= MAX_BLOB_CHARS)).toBe(true);
    // The index is the producer's id as given; one longer than 96 bytes is left out by the collector.
    expect(limitViolation({ ...result, indexes: [] })).toBeUndefined();
  });

  it("turns odd values into blobs and doubles without throwing", () => {
    const odd = point("run_complete", {
      status: 3,
      plan: true,
      capsuleId: null,
      postId: { a: 1 },
      error: ["x", "y"],
      durationMs: Number.NaN,
    });
    expect(odd).toEqual({ blobs: ["run_complete", "3", "true", "", '{"a":1}', "x,y", ""], doubles: [0, 1], indexes: [] });
  });
});
