import { boundedMemo } from "../../schemas/lib/bounded-memo";
/**
 * The DO framework's event namespaces (design document, "Event Types"). Each namespace has a
 * handler that knows its events and which fields summarise one on the console; names outside
 * every namespace go through the default handler.
 */
export interface NamespaceHandler {
  namespace: string;
  events: readonly string[];
  /** Fields printed after the id in the console line, e.g. `tokens=1500 duration=2340ms`. */
  summaryFields: readonly string[];
}

export const NAMESPACE_HANDLERS: readonly NamespaceHandler[] = [
  { namespace: "DO.Lifecycle", events: ["created", "hibernated", "awakened", "deleted"], summaryFields: ["type"] },
  { namespace: "RPC", events: ["Request.received", "Response.sent", "Request.failed"], summaryFields: ["method", "duration", "error"] },
  { namespace: "CDC", events: ["Event.emitted", "Buffer.flushed", "Stream.updated"], summaryFields: ["table", "operation", "count"] },
  {
    namespace: "AI",
    events: ["Generation.started", "Generation.completed", "Generation.failed", "Embedding.created"],
    summaryFields: ["model", "tokens", "duration", "error"],
  },
  {
    namespace: "Workflow",
    events: ["Execution.started", "Execution.completed", "Execution.failed", "Step.completed", "Step.failed", "State.changed"],
    summaryFields: ["workflowId", "step", "duration", "error"],
  },
  {
    namespace: "Agent",
    events: ["Session.started", "Session.ended", "Message.received", "Tool.called"],
    summaryFields: ["agentId", "tool", "duration"],
  },
  { namespace: "Execution", events: ["Code.started", "Code.completed", "Code.failed"], summaryFields: ["language", "duration", "error"] },
  { namespace: "Storage", events: ["Snapshot.created", "Sync.completed"], summaryFields: ["size", "duration"] },
  {
    namespace: "Connection",
    events: ["WebSocket.opened", "WebSocket.closed", "WebSocket.hibernated"],
    summaryFields: ["connectionId", "code"],
  },
  { namespace: "Schedule", events: ["Alarm.fired", "Task.executed"], summaryFields: ["task", "duration"] },
  { namespace: "Financial", events: ["Payment.completed", "Transfer.completed"], summaryFields: ["amount", "currency"] },
  { namespace: "Communication", events: ["Email.sent", "Slack.posted", "SMS.sent"], summaryFields: ["to", "channel"] },
  { namespace: "Telephony", events: ["Call.started", "Call.ended"], summaryFields: ["callId", "duration"] },
];

export const DEFAULT_HANDLER: NamespaceHandler = {
  namespace: "",
  events: [],
  summaryFields: ["duration", "durationMs", "status", "error"],
};

/** Longest prefix first, so that "DO.Lifecycle.created" is not read as a "DO" namespace. */
const BY_PREFIX = [...NAMESPACE_HANDLERS].sort((a, b) => b.namespace.length - a.namespace.length);

const handlerOf = boundedMemo(
  (type) =>
    BY_PREFIX.find((h) => type.length > h.namespace.length && type.startsWith(h.namespace) && type[h.namespace.length] === ".") ?? null,
  10_000,
);

/** The handler of the namespace `type` belongs to, or undefined for names outside every namespace. */
export function namespaceOf(type: string): NamespaceHandler | undefined {
  return handlerOf(type) ?? undefined;
}
