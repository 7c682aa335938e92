/**
 * Sample TraceItems for POST /test-events: one of every DO-framework namespace, every importance,
 * a thrown exception, non-JSON and broken-JSON logs, and a diagnostics-channel message.
 */
type Log = { timestamp: number; level: string; message: unknown[] };

export interface SampleTraceItem {
  scriptName: string;
  eventTimestamp: number;
  event: Record<string, unknown> | null;
  logs: Log[];
  exceptions: { timestamp: number; name: string; message: string; stack?: string }[];
  diagnosticsChannelEvents: { timestamp: number; channel: string; message: unknown }[];
  outcome: string;
  truncated: boolean;
  cpuTime: number;
  wallTime: number;
  executionModel: string;
  scriptVersion: { id: string; tag?: string; message?: string };
}

const NAMESPACE_SAMPLES: Record<string, Record<string, unknown>[]> = {
  "DO.Lifecycle": [
    { _event: "DO.Lifecycle.created", id: "abc-123", type: "Agent" },
    { _event: "DO.Lifecycle.hibernated", id: "abc-123", type: "Agent" },
  ],
  RPC: [
    { _event: "RPC.Request.received", id: "rpc-1", method: "getState" },
    { _event: "RPC.Request.failed", id: "rpc-2", method: "save", error: "timeout" },
  ],
  CDC: [{ _event: "CDC.Event.emitted", table: "orders", operation: "insert" }],
  AI: [{ _event: "AI.Generation.completed", id: "gen-456", model: "llama-3", tokens: 1500, duration: 2340 }],
  Workflow: [{ _event: "Workflow.Step.completed", workflowId: "wf-9", step: "charge", duration: 120 }],
  Agent: [{ _event: "Agent.Tool.called", agentId: "agent-7", tool: "search", duration: 88 }],
  Execution: [{ _event: "Execution.Code.completed", language: "js", duration: 41 }],
  Storage: [{ _event: "Storage.Snapshot.created", size: 20480, duration: 12 }],
  Connection: [{ _event: "Connection.WebSocket.opened", connectionId: "ws-3" }],
  Schedule: [{ _event: "Schedule.Alarm.fired", task: "cleanup" }],
  Financial: [{ _event: "Financial.Payment.completed", id: "pay-77", amount: 4200, currency: "USD" }],
  Communication: [{ _event: "Communication.Email.sent", to: "ops@example.com" }],
  Telephony: [{ _event: "Telephony.Call.ended", callId: "call-5", duration: 64000 }],
};

export function sampleTraceItems(now: number): SampleTraceItem[] {
  const log = (offset: number, level: string, ...message: unknown[]): Log => ({ timestamp: now + offset, level, message });
  const base = (scriptName: string, event: SampleTraceItem["event"]): SampleTraceItem => ({
    scriptName,
    eventTimestamp: now,
    event,
    logs: [],
    exceptions: [],
    diagnosticsChannelEvents: [],
    outcome: "ok",
    truncated: false,
    cpuTime: 3,
    wallTime: 25,
    executionModel: "stateless",
    scriptVersion: { id: "test-version-1", tag: "test" },
  });
  const fetchEvent = (method: string, path: string, status: number) => ({
    request: {
      url: `https://example.com${path}`,
      method,
      headers: { "user-agent": "do-tail-test", "cf-ray": `test-${path}` },
      cf: { colo: "LHR" },
    },
    response: { status },
  });

  const framework = base("do-framework-sample", { rpcMethod: "handle" });
  framework.executionModel = "durableObject";
  framework.logs = Object.values(NAMESPACE_SAMPLES)
    .flat()
    .map((event, i) => log(i + 1, "log", JSON.stringify(event)));
  framework.diagnosticsChannelEvents = [
    { timestamp: now + 30, channel: "do-framework", message: { _event: "AI.Embedding.created", id: "emb-1", model: "bge" } },
  ];

  const checkout = base("checkout-api", fetchEvent("POST", "/checkout", 200));
  checkout.logs = [
    log(1, "log", JSON.stringify({ _event: "checkout_completed", orderId: "ord-1", durationMs: 182, items: 3 })),
    log(2, "info", "cache warmed in 4ms"),
    log(3, "warn", "retrying inventory lookup", { attempt: 2 }),
    log(4, "log", '{"_event": "broken json'),
    log(5, "debug", { cacheHit: true }),
  ];

  const crashed = base("checkout-api", fetchEvent("GET", "/orders/42", 500));
  crashed.outcome = "exception";
  crashed.logs = [log(1, "error", "database unavailable")];
  crashed.exceptions = [
    {
      timestamp: now + 2,
      name: "TypeError",
      message: "Cannot read properties of undefined (reading 'id')",
      stack: "TypeError: Cannot read properties of undefined\n    at handler (index.js:12:5)",
    },
  ];

  const failedJob = base("uptime-monitor", { cron: "*/5 * * * *", scheduledTime: now });
  failedJob.logs = [log(1, "log", JSON.stringify({ _event: "error_sync_failed", monitorId: "mon-1", error: "ECONNRESET" }))];

  return [framework, checkout, crashed, failedJob];
}
