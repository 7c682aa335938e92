import { DurableObject } from "cloudflare:workers";
import { between, chance, latency, pick, shortId } from "../../lib/random";
import { type Correlation, correlationFrom } from "../../lib/wide-event";
import { emitFramework, frameworkEvent, reportFramework } from "./framework-events";

const MODELS = ["@cf/meta/llama-3.1-8b-instruct", "@cf/mistral/mistral-7b-instruct-v0.2", "@cf/qwen/qwen1.5-14b-chat-awq"] as const;
const TOOLS = ["search_docs", "create_ticket", "lookup_order", "send_summary"] as const;
const WORKFLOW_STEPS = ["fetch_context", "generate", "validate", "persist"] as const;

export type Simulate = "invalid" | "fail" | "unavailable";

/**
 * An agent of the DO framework: one Durable Object per agent, holding its conversation. It
 * reports what the framework would (lifecycle, RPC, agent, AI, storage, CDC, workflow, schedule,
 * connection events), each as a namespaced event. `simulate` asks for an outcome on purpose: a
 * deliberately `invalid` event, a `fail`ure of the work, or an `unavailable` agent (RPC fails).
 */
export class AgentObject extends DurableObject {
  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      const known = (await ctx.storage.get<boolean>("created")) === true;
      const correlation = { requestId: shortId("boot"), correlationId: shortId("boot") };
      if (known) reportFramework("DO.Lifecycle.awakened", correlation, { id: ctx.id.toString(), type: "Agent" });
      else {
        await ctx.storage.put("created", true);
        reportFramework("DO.Lifecycle.created", correlation, { id: ctx.id.toString(), type: "Agent" });
      }
    });
  }

  async chat(text: string, correlation: Correlation, simulate?: Simulate): Promise<{ reply: string; tokens: number } | { error: string }> {
    const invalid = simulate === "invalid";
    return this.rpc("chat", correlation, simulate, async () => {
      const messages = ((await this.ctx.storage.get<number>("messages")) ?? 0) + 1;
      await this.ctx.storage.put("messages", messages);
      const agentId = this.ctx.id.toString().slice(0, 16);
      if (messages === 1) reportFramework("Agent.Session.started", correlation, { agentId });
      reportFramework("Agent.Message.received", correlation, { agentId, characters: text.length });
      reportFramework("CDC.Event.emitted", correlation, { table: "messages", operation: "insert", count: 1 });

      const model = pick(MODELS);
      reportFramework("AI.Generation.started", correlation, { model });
      const generation = frameworkEvent(
        simulate === "fail" || chance(0.08) ? "AI.Generation.failed" : "AI.Generation.completed",
        correlation,
        { model, agentId },
      );
      const duration = latency(1800);
      if (generation.name === "AI.Generation.failed") {
        // An invalid failure leaves out the required `error`.
        emitFramework(invalid ? generation.set({ duration }) : generation.set({ duration }).fail("model overloaded"));
        return { error: "generation failed" };
      }
      const tokens = between(40, 2400);
      emitFramework(
        generation.set({ duration, tokens: invalid ? (String(tokens) as unknown as number) : tokens, promptTokens: text.length }),
      );
      if (chance(0.3)) reportFramework("Agent.Tool.called", correlation, { agentId, tool: pick(TOOLS), duration: latency(120) });
      if (chance(0.15))
        reportFramework("AI.Embedding.created", correlation, { model: "@cf/baai/bge-base-en-v1.5", tokens: text.length, dimensions: 768 });
      if (messages % 5 === 0) reportFramework("Storage.Snapshot.created", correlation, { size: messages * between(400, 900), messages });
      return { reply: `(${model}) …`, tokens };
    });
  }

  async runWorkflow(correlation: Correlation, simulate?: Simulate): Promise<{ status: string }> {
    return this.rpc("runWorkflow", correlation, simulate, async () => {
      const workflowId = shortId("wf");
      reportFramework("Workflow.Execution.started", correlation, { workflowId });
      reportFramework("Workflow.State.changed", correlation, { workflowId, from: "queued", to: "running" });
      const started = Date.now();
      for (const step of WORKFLOW_STEPS) {
        if ((simulate === "fail" && step === "validate") || chance(0.05)) {
          reportFramework("Workflow.Step.failed", correlation, { workflowId, step, error: `${step} timed out`, duration: latency(3000) });
          reportFramework("Workflow.Execution.failed", correlation, {
            workflowId,
            step,
            error: `step ${step} failed`,
            duration: Date.now() - started,
          });
          return { status: "failed" };
        }
        reportFramework("Workflow.Step.completed", correlation, { workflowId, step, duration: latency(300) });
      }
      reportFramework("Workflow.State.changed", correlation, { workflowId, from: "running", to: "done" });
      reportFramework("Workflow.Execution.completed", correlation, {
        workflowId,
        duration: Date.now() - started,
        steps: WORKFLOW_STEPS.length,
      });
      return { status: "completed" };
    });
  }

  async execute(language: string, correlation: Correlation, simulate?: Simulate): Promise<{ status: string }> {
    return this.rpc("execute", correlation, simulate, async () => {
      const executionId = shortId("exec");
      reportFramework("Execution.Code.started", correlation, { id: executionId, language });
      if (simulate === "fail" || chance(0.1)) {
        reportFramework("Execution.Code.failed", correlation, {
          id: executionId,
          language,
          error: "SyntaxError: unexpected token",
          duration: latency(40),
        });
        return { status: "failed" };
      }
      reportFramework("Execution.Code.completed", correlation, { id: executionId, language, duration: latency(250) });
      return { status: "completed" };
    });
  }

  /** Schedules the agent's digest task; the alarm reports it. */
  async schedule(correlation: Correlation): Promise<{ at: number }> {
    return this.rpc("schedule", correlation, undefined, async () => {
      const at = Date.now() + 1000;
      await this.ctx.storage.put("scheduledBy", correlation);
      await this.ctx.storage.setAlarm(at);
      return { at };
    });
  }

  override async alarm(): Promise<void> {
    const correlation = (await this.ctx.storage.get<Correlation>("scheduledBy")) ?? {
      requestId: shortId("alarm"),
      correlationId: shortId("alarm"),
    };
    reportFramework("Schedule.Alarm.fired", correlation, { task: "digest" });
    const started = Date.now();
    const messages = (await this.ctx.storage.get<number>("messages")) ?? 0;
    reportFramework("CDC.Buffer.flushed", correlation, { table: "messages", count: messages });
    reportFramework("CDC.Stream.updated", correlation, { table: "messages", operation: "compact", count: messages });
    reportFramework("Storage.Sync.completed", correlation, { size: messages * 600, duration: latency(80) });
    reportFramework("Schedule.Task.executed", correlation, { task: "digest", duration: Date.now() - started });
  }

  /** The framework evicting an idle agent: its sockets hibernate with it. */
  async hibernate(correlation: Correlation): Promise<void> {
    for (const socket of this.ctx.getWebSockets()) {
      reportFramework("Connection.WebSocket.hibernated", correlation, { connectionId: String(socket.deserializeAttachment() ?? "") });
    }
    reportFramework("DO.Lifecycle.hibernated", correlation, { id: this.ctx.id.toString(), type: "Agent" });
  }

  async remove(correlation: Correlation): Promise<void> {
    const agentId = this.ctx.id.toString().slice(0, 16);
    reportFramework("Agent.Session.ended", correlation, { agentId, messages: (await this.ctx.storage.get<number>("messages")) ?? 0 });
    await this.ctx.storage.deleteAll();
    reportFramework("DO.Lifecycle.deleted", correlation, { id: this.ctx.id.toString(), type: "Agent" });
  }

  override async fetch(request: Request): Promise<Response> {
    const connectionId = shortId("conn");
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(connectionId);
    reportFramework("Connection.WebSocket.opened", correlationFrom(request.headers), { connectionId });
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    ws.send(typeof message === "string" ? `echo: ${message.slice(0, 200)}` : "binary");
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    const correlation = { requestId: shortId("ws"), correlationId: shortId("ws") };
    reportFramework("Connection.WebSocket.closed", correlation, { connectionId: String(ws.deserializeAttachment() ?? ""), code });
  }

  /** RPC.Request.received, then RPC.Response.sent or RPC.Request.failed, around one call. */
  private async rpc<T>(method: string, correlation: Correlation, simulate: Simulate | undefined, call: () => Promise<T>): Promise<T> {
    reportFramework("RPC.Request.received", correlation, { method });
    const started = Date.now();
    try {
      // Now and then storage is briefly unavailable, as it is in production.
      if (simulate === "unavailable" || chance(0.02)) throw new Error("agent storage unavailable");
      const result = await call();
      reportFramework("RPC.Response.sent", correlation, { method, duration: Date.now() - started });
      return result;
    } catch (error) {
      reportFramework("RPC.Request.failed", correlation, {
        method,
        duration: Date.now() - started,
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  }
}
