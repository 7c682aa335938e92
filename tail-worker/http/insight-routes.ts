import type { IRequest } from "itty-router";
import * as v from "valibot";
import type { Env } from "../../schemas/config/env";
import { parseDuration } from "../../schemas/lib/duration";
import { fleetInsightFromEither, monitorInsightFromEither } from "../insights/insight-source";
import { QueryTooLargeError } from "../query/refusal";
import { json, problem } from "./json";
import { parseQuery } from "./query-params";

const MAX_WINDOW_MS = 90 * 86_400_000;
const WindowParam = (fallback: string) => v.optional(v.pipe(v.string(), v.maxLength(20)), fallback);

/**
 * GET /insights/monitors/:id?window=24h: last 100 heartbeats, uptime %, p95 latency per region,
 * from Analytics Engine or the archive (`source`; see ../insights/insight-source.ts).
 */
export async function monitorInsightRoute(request: IRequest, env: Env): Promise<Response> {
  const query = parseQuery(request.url, { window: WindowParam("24h") });
  if ("problem" in query) return query.problem;
  const window = readWindow(query.params.window);
  if ("problem" in window) return window.problem;
  let monitorId: string;
  try {
    monitorId = decodeURIComponent(String(request.params.id ?? ""));
  } catch {
    return problem(400, "the monitor id is not valid percent-encoding");
  }
  if (monitorId === "" || monitorId.length > 200) return problem(400, "the monitor id must be 1 to 200 characters");
  return refusingLargeQueries(async () => json(await monitorInsightFromEither(env, monitorId, window)));
}

/** GET /insights/fleet?window=1h: uptime, average latency and failures per monitor and overall. */
export async function fleetInsightRoute(request: IRequest, env: Env): Promise<Response> {
  const query = parseQuery(request.url, { window: WindowParam("1h") });
  if ("problem" in query) return query.problem;
  const window = readWindow(query.params.window);
  if ("problem" in window) return window.problem;
  return refusingLargeQueries(async () => json(await fleetInsightFromEither(env, window)));
}

function readWindow(text: string): { text: string; ms: number } | { problem: Response } {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0 || ms > MAX_WINDOW_MS) {
    return { problem: problem(400, `query parameter "window": "${text}" is not a window such as 15m, 1h, 24h or 7d (at most 90d)`) };
  }
  return { text, ms };
}

async function refusingLargeQueries(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof QueryTooLargeError) return problem(422, error.message, error.details);
    throw error;
  }
}
