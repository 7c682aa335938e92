import { correlationFrom } from "../../lib/wide-event";
import type { Simulate } from "./domain";
import { runCapsule } from "./runs";
import { doStatus, joinWaitlist, recordRuntimeEvent } from "./runtime-reports";
import { importProject, publishCapsule } from "./uploads";

const SIMULATIONS: readonly Simulate[] = ["invalid", "fail"];
const PUBLISH_PATH = /^\/capsules\/([\w-]{1,64})\/publish$/;

/**
 * Code-runner API example producer: the runtime analytics events of the Workers API document
 * (import, publish, artifact_compile and its counters, run_start/run_complete, player_console_log,
 * run_quota_observation, safety_verdict, runtime_event, live_waitlist, do_status).
 * `x-simulate: invalid` on POST /runs emits a deliberately invalid run_complete; `x-simulate: fail`
 * makes a run or a publish's build fail.
 */
export default {
  async fetch(request): Promise<Response> {
    const url = new URL(request.url);
    const correlation = correlationFrom(request.headers);
    if (url.pathname === "/health") return Response.json({ status: "ok", service: "code-runner" });
    if (request.method === "GET" && url.pathname === "/do-status") return doStatus(correlation);
    if (request.method !== "POST") return Response.json({ error: "method not allowed" }, { status: 405 });

    const simulate = SIMULATIONS.find((s) => s === request.headers.get("x-simulate"));
    const body = await readJson(request);
    if (body === undefined) return Response.json({ error: "body must be a JSON object" }, { status: 400 });
    if (url.pathname === "/imports") return importProject(body, correlation);
    if (url.pathname === "/runs") return runCapsule(body, correlation, simulate);
    if (url.pathname === "/runtime-events") return recordRuntimeEvent(body, correlation);
    if (url.pathname === "/waitlist") return joinWaitlist(body, correlation);
    const publish = PUBLISH_PATH.exec(url.pathname);
    if (publish) return publishCapsule(publish[1] as string, body, correlation, simulate);
    return Response.json({ error: "not found" }, { status: 404 });
  },
} satisfies ExportedHandler;

/** Any JSON object; each handler reads the fields it knows and falls back to plausible values. */
async function readJson(request: Request): Promise<Record<string, never> | undefined> {
  try {
    const value: unknown = await request.json();
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, never>) : undefined;
  } catch {
    return undefined;
  }
}
