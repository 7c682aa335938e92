import { correlationFrom, correlationHeaders } from "../../lib/wide-event";
import type { AgentObject, Simulate } from "./agent-object";
import { call, type IntegrationBody, notify, payment } from "./integrations";

export { AgentObject } from "./agent-object";

interface Env {
  AGENT: DurableObjectNamespace<AgentObject>;
}

const SIMULATIONS: readonly Simulate[] = ["invalid", "fail", "unavailable"];

const AGENT_PATH = /^\/agents\/([\w-]{1,64})(?:\/(messages|workflows|execute|schedule|hibernate|ws))?$/;

/**
 * DO-framework example producer: agents as Durable Objects plus a few integrations, reporting
 * the framework's namespaced events (some on its diagnostics channel, see framework-events.ts).
 * `x-simulate` asks for an outcome on purpose: `invalid` (a deliberately invalid AI.Generation
 * event), `fail` (the generation, workflow or code fails) or `unavailable` (the agent's RPC fails).
 */
export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    const correlation = correlationFrom(request.headers);
    if (url.pathname === "/health") return Response.json({ status: "ok", service: "do-framework" });
    const body = request.method === "POST" ? await readJson(request) : {};
    if (request.method === "POST" && url.pathname === "/payments") return payment(body, correlation, "payment");
    if (request.method === "POST" && url.pathname === "/transfers") return payment(body, correlation, "transfer");
    if (request.method === "POST" && url.pathname === "/notify") return notify(body, correlation);
    if (request.method === "POST" && url.pathname === "/calls") return call(body, correlation);

    const match = AGENT_PATH.exec(url.pathname);
    if (!match) return Response.json({ error: "not found" }, { status: 404 });
    const [, id = "", action] = match;
    const agent = env.AGENT.get(env.AGENT.idFromName(id));
    try {
      if (action === "ws" && request.method === "GET") {
        const headers = new Headers(request.headers);
        for (const [name, value] of Object.entries(correlationHeaders(correlation))) headers.set(name, value);
        return await agent.fetch(new Request(request, { headers }));
      }
      if (action === undefined && request.method === "DELETE") return Response.json(await agent.remove(correlation));
      if (request.method !== "POST") return Response.json({ error: "method not allowed" }, { status: 405 });
      const text = typeof body.text === "string" ? body.text : "hello";
      const simulate = SIMULATIONS.find((s) => s === request.headers.get("x-simulate"));
      if (action === "messages") return Response.json(await agent.chat(text, correlation, simulate));
      if (action === "workflows") return Response.json(await agent.runWorkflow(correlation, simulate));
      if (action === "execute")
        return Response.json(await agent.execute(typeof body.language === "string" ? body.language : "javascript", correlation, simulate));
      if (action === "schedule") return Response.json(await agent.schedule(correlation));
      if (action === "hibernate") return Response.json(await agent.hibernate(correlation));
      return Response.json({ error: "not found" }, { status: 404 });
    } catch (error) {
      // The agent already reported RPC.Request.failed; the caller gets a 503 to retry.
      return Response.json({ error: error instanceof Error ? error.message : String(error) }, { status: 503 });
    }
  },
} satisfies ExportedHandler<Env>;

async function readJson(request: Request): Promise<IntegrationBody & { text?: unknown; language?: unknown }> {
  try {
    const value: unknown = await request.json();
    return typeof value === "object" && value !== null ? (value as IntegrationBody) : {};
  } catch {
    return {};
  }
}
