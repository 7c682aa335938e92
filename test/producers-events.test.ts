import * as v from "valibot";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { runCapsule } from "../producers/code-runner/src/runs";
import { doStatus, joinWaitlist, recordRuntimeEvent } from "../producers/code-runner/src/runtime-reports";
import { importProject, publishCapsule } from "../producers/code-runner/src/uploads";
import { viaFor } from "../producers/do-framework/src/framework-events";
import { call, notify, payment } from "../producers/do-framework/src/integrations";
import { emitSessionEnd, newTally } from "../producers/session-api/src/ws-connection";
import { runRound } from "../producers/uptime-monitor/src/dispatch";
import { MONITORS, REGIONS } from "../producers/uptime-monitor/src/monitors";
import { schemaFor } from "../schemas/catalog/registry";

// The example producers emit the catalogs' events, valid unless asked for an invalid one.

let log: MockInstance<typeof console.log>;
beforeEach(() => {
  log = vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => log.mockRestore());

const ids = { requestId: "req-1", correlationId: "corr-1" };
const emitted = () => log.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
const invalidOnes = (events: Record<string, unknown>[]) => events.filter((e) => !v.safeParse(schemaFor(String(e._event))!, e).success);

describe("code-runner", () => {
  it("emits run_start, sampled player_console_log, run_complete and run_quota_observation, all valid", () => {
    for (let i = 0; i < 20; i++) runCapsule({ capsuleId: "cap_1", plan: "pro" }, ids);
    const events = emitted();
    const count = (name: string) => events.filter((e) => e._event === name).length;
    expect([count("run_start"), count("run_complete"), count("run_quota_observation")]).toEqual([20, 20, 20]);
    expect(count("run_start") + count("run_complete") + count("run_quota_observation") + count("player_console_log")).toBe(events.length);
    expect(invalidOnes(events)).toEqual([]);
  });

  it("makes run_complete.durationMs a string when asked for an invalid event", () => {
    runCapsule({}, ids, "invalid");
    const invalid = invalidOnes(emitted());
    expect(invalid.map((e) => e._event)).toEqual(["run_complete"]);
    expect(typeof invalid[0]!.durationMs).toBe("string");
  });

  it("emits valid import, publish, safety_verdict, artifact_compile and its counters", async () => {
    importProject({ userId: "u", plan: "free", files: [{ path: "index.html", size: 100 }] }, ids);
    for (let i = 0; i < 10; i++) await publishCapsule("cap_1", { files: [{ path: "index.html", size: 100 }], source: "<h1>hi</h1>" }, ids);
    await publishCapsule("cap_2", { files: [{ path: "index.html", size: 100 }], source: "eval(x)" }, ids);
    const events = emitted();
    const names = new Set(events.map((e) => e._event));
    for (const name of ["import", "publish", "safety_verdict", "artifact_compile_queued", "artifact_compile"])
      expect(names).toContain(name);
    expect(events.filter((e) => e._event === "safety_verdict").map((e) => e.decision)).toContain("block");
    expect(invalidOnes(events)).toEqual([]);
  });

  it("fails a build or a run when asked", async () => {
    await publishCapsule("cap_3", { files: [{ path: "index.html", size: 10 }], source: "<p>ok</p>" }, ids, "fail");
    runCapsule({}, ids, "fail");
    const events = emitted();
    expect(events.find((e) => e._event === "artifact_compile")).toMatchObject({ outcome: "failed" });
    expect(events.map((e) => e._event)).toContain("artifact_compile_failed");
    expect(events.find((e) => e._event === "run_complete")).toMatchObject({ status: "failed" });
    expect(invalidOnes(events)).toEqual([]);
  });

  it("emits valid runtime_event, live_waitlist and do_status", () => {
    recordRuntimeEvent({ event: "runtime_error", code: "E_OOM", message: "out of memory" }, ids);
    joinWaitlist({}, ids);
    doStatus(ids);
    const events = emitted();
    expect(events.map((e) => e._event)).toEqual(["runtime_event", "live_waitlist", "do_status"]);
    expect(events[0]).toMatchObject({ event: "runtime_error", isError: true });
    expect(invalidOnes(events)).toEqual([]);
  });
});

describe("uptime-monitor", () => {
  it("emits one valid heartbeat per monitor and region, all with the round's dispatch id", () => {
    const summary = runRound(ids, false);
    const beats = emitted();
    expect(beats).toHaveLength(MONITORS.length * REGIONS.length);
    expect(new Set(beats.map((b) => b.dispatchId))).toEqual(new Set([summary.dispatchId]));
    expect(new Set(beats.map((b) => `${b.monitorId}/${b.region}`)).size).toBe(beats.length);
    expect(summary.up + summary.degraded + summary.down).toBe(summary.checks);
    expect(invalidOnes(beats)).toEqual([]);
  });

  it("makes exactly one heartbeat invalid when asked", () => {
    runRound(ids, true);
    expect(invalidOnes(emitted())).toHaveLength(1);
  });
});

describe("session-api", () => {
  it("emits one valid ws_session_end per connection, however often the end is reported", () => {
    const tally = newTally({
      correlation: ids,
      sessionId: "s1",
      playerId: "p1",
      playerName: "ada",
      colo: "ewr",
      immutableSession: false,
      stateHashAtConnect: "aa",
      peakPlayerCount: 2,
    });
    tally.messageCount = 3;
    tally.messagesByType = { toggle_step: 2, other: 1 };
    expect(emitSessionEnd(tally, "normal_close", "bb")).toBe(true);
    expect(emitSessionEnd(tally, "error", "bb")).toBe(false);
    const events = emitted();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      _event: "ws_session_end",
      disconnectReason: "normal_close",
      messagesByType: { toggle_step: 2, other: 1 },
      colo: "ewr",
    });
    expect(invalidOnes(events)).toEqual([]);
  });
});

describe("do-framework", () => {
  it("reports integrations as valid namespaced events", () => {
    payment({}, ids, "payment");
    payment({ amount: 5, currency: "eur" }, ids, "transfer");
    for (const channel of ["email", "slack", "sms"]) notify({ channel }, ids);
    call({ seconds: 30 }, ids);
    const events = emitted();
    expect(events.map((e) => e._event)).toEqual([
      "Financial.Payment.completed",
      "Financial.Transfer.completed",
      "Communication.Email.sent",
      "Communication.Slack.posted",
      "Communication.SMS.sent",
      "Telephony.Call.started",
      "Telephony.Call.ended",
    ]);
    expect(invalidOnes(events)).toEqual([]);
  });

  it("publishes AI, Workflow and CDC events on its diagnostics channel, the rest on the console", () => {
    expect(viaFor("AI.Generation.completed")).toBe("channel");
    expect(viaFor("Workflow.Step.failed")).toBe("channel");
    expect(viaFor("CDC.Event.emitted")).toBe("channel");
    expect(viaFor("RPC.Request.received")).toBe("console");
    expect(viaFor("Financial.Payment.completed")).toBe("console");
  });
});
