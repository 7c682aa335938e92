import type { IRequest } from "itty-router";
import * as v from "valibot";
import { alertState } from "../../schemas/alert-rpc";
import { loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import { json, problem } from "./json";
import { parseQuery } from "./query-params";

/** GET /alerts: every rule's groups and their states, the last transitions, the notification outbox. */
export async function getAlerts(request: IRequest, env: Env): Promise<Response> {
  const query = parseQuery(request.url, {});
  if ("problem" in query) return query.problem;
  return json(await alertState(env).view(new URL(request.url).origin));
}

/** POST /alerts/test?rule=NAME: a `test` notification to each of the rule's destinations, now. */
export async function testAlert(request: IRequest, env: Env): Promise<Response> {
  const query = parseQuery(request.url, { rule: v.pipe(v.string(), v.minLength(1, "must name a rule"), v.maxLength(64)) });
  if ("problem" in query) return query.problem;
  const { rules } = loadConfig(env).alerts;
  const rule = rules.find((r) => r.name === query.params.rule);
  if (rule === undefined) {
    return problem(404, `no alert rule named ${JSON.stringify(query.params.rule)}`, { rules: rules.map((r) => r.name) });
  }
  if (rule.notify.length === 0) return problem(422, `rule ${JSON.stringify(rule.name)} has no destinations (notify)`);
  const deliveries = await alertState(env).sendTest(rule.name, new URL(request.url).origin);
  return json({ rule: rule.name, deliveries }, deliveries.every((d) => d.ok) ? 200 : 502);
}
