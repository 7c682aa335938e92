import { pick, shortId } from "../../lib/random";
import { type Correlation, WideEvent } from "../../lib/wide-event";
import { PLANS, RUNTIMES } from "./domain";

/** What a player's runtime posts to /runtime-events when something notable happens in it. */
export interface RuntimeReport {
  event?: string;
  capsuleId?: string;
  artifactId?: string;
  runtimeType?: string;
  runtimeVersion?: string;
  code?: string;
  message?: string;
  isError?: boolean;
}

/** POST /runtime-events: one `runtime_event` per report. */
export function recordRuntimeEvent(report: RuntimeReport, correlation: Correlation): Response {
  const event = report.event ?? "runtime_ready";
  new WideEvent("runtime_event", correlation, {
    event,
    capsuleId: report.capsuleId ?? shortId("cap"),
    artifactId: report.artifactId ?? shortId("art"),
    runtimeType: report.runtimeType ?? pick(RUNTIMES),
    runtimeVersion: report.runtimeVersion ?? "2026.11.0",
    code: report.code ?? "",
    message: report.message ?? "",
    timestampMs: Date.now(),
    isError: report.isError ?? event.includes("error"),
  }).emit();
  return new Response(null, { status: 204 });
}

/** POST /waitlist: one `live_waitlist` signup. */
export function joinWaitlist(body: { plan?: string; sessionId?: string }, correlation: Correlation): Response {
  new WideEvent("live_waitlist", correlation, { plan: body.plan ?? pick(PLANS), sessionId: body.sessionId ?? shortId("sess") }).emit();
  return Response.json({ joined: true }, { status: 201 });
}

/** GET /do-status: the liveness probe's `do_status` (the document counts them with doubles [1]). */
export function doStatus(correlation: Correlation): Response {
  new WideEvent("do_status", correlation).emit();
  return Response.json({ status: "ok" });
}
