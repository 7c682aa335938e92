import * as v from "valibot";

/**
 * The DO framework's namespaced events (tail worker design document, "Event Types"): every event
 * of the 13 namespaces, named `<Namespace>.<Event>` (e.g. `AI.Generation.completed`).
 *
 * The document names the events but not their fields; the fields below are the ones its console
 * format prints (`[AI.Generation.completed] id=gen-456 tokens=1500 duration=2340ms`) and the
 * per-namespace summary fields of the tail worker. They are optional but typed when present, and
 * an event whose name ends in `failed` must say why in `error`. Producers may add any other field.
 */
export const DO_FRAMEWORK_NAMESPACES = {
  "DO.Lifecycle": ["created", "hibernated", "awakened", "deleted"],
  RPC: ["Request.received", "Response.sent", "Request.failed"],
  CDC: ["Event.emitted", "Buffer.flushed", "Stream.updated"],
  AI: ["Generation.started", "Generation.completed", "Generation.failed", "Embedding.created"],
  Workflow: ["Execution.started", "Execution.completed", "Execution.failed", "Step.completed", "Step.failed", "State.changed"],
  Agent: ["Session.started", "Session.ended", "Message.received", "Tool.called"],
  Execution: ["Code.started", "Code.completed", "Code.failed"],
  Storage: ["Snapshot.created", "Sync.completed"],
  Connection: ["WebSocket.opened", "WebSocket.closed", "WebSocket.hibernated"],
  Schedule: ["Alarm.fired", "Task.executed"],
  Financial: ["Payment.completed", "Transfer.completed"],
  Communication: ["Email.sent", "Slack.posted", "SMS.sent"],
  Telephony: ["Call.started", "Call.ended"],
} as const;

export type DoFrameworkNamespace = keyof typeof DO_FRAMEWORK_NAMESPACES;

/** Fields every namespaced event may carry; `duration` is in milliseconds, as the console prints it. */
const COMMON_FIELDS = v.object({
  id: v.optional(v.string()),
  timestamp: v.optional(v.number()),
  duration: v.optional(v.number()),
  error: v.optional(v.string()),
  correlationId: v.optional(v.string()),
  requestId: v.optional(v.string()),
});

const NAMESPACE_FIELDS = {
  "DO.Lifecycle": v.object({ type: v.optional(v.string()) }),
  RPC: v.object({ method: v.optional(v.string()) }),
  CDC: v.object({ table: v.optional(v.string()), operation: v.optional(v.string()), count: v.optional(v.number()) }),
  AI: v.object({ model: v.optional(v.string()), tokens: v.optional(v.number()) }),
  Workflow: v.object({ workflowId: v.optional(v.string()), step: v.optional(v.string()) }),
  Agent: v.object({ agentId: v.optional(v.string()), tool: v.optional(v.string()) }),
  Execution: v.object({ language: v.optional(v.string()) }),
  Storage: v.object({ size: v.optional(v.number()) }),
  Connection: v.object({ connectionId: v.optional(v.string()), code: v.optional(v.number()) }),
  Schedule: v.object({ task: v.optional(v.string()) }),
  Financial: v.object({ amount: v.optional(v.number()), currency: v.optional(v.string()) }),
  Communication: v.object({ to: v.optional(v.string()), channel: v.optional(v.string()) }),
  Telephony: v.object({ callId: v.optional(v.string()) }),
} satisfies Record<DoFrameworkNamespace, v.ObjectSchema<v.ObjectEntries, undefined>>;

function eventSchema(namespace: DoFrameworkNamespace, event: string) {
  const name = `${namespace}.${event}`;
  return v.looseObject({
    _event: v.literal(name),
    ...COMMON_FIELDS.entries,
    ...NAMESPACE_FIELDS[namespace].entries,
    ...(event.endsWith("failed") ? { error: v.pipe(v.string(), v.minLength(1, "a failed event says why")) } : {}),
  });
}

export type DoFrameworkEventSchema = ReturnType<typeof eventSchema>;

/** Every namespaced event name → its schema. */
export const DO_FRAMEWORK_EVENTS: Readonly<Record<string, DoFrameworkEventSchema>> = Object.fromEntries(
  (Object.entries(DO_FRAMEWORK_NAMESPACES) as [DoFrameworkNamespace, readonly string[]][]).flatMap(([namespace, events]) =>
    events.map((event) => [`${namespace}.${event}`, eventSchema(namespace, event)]),
  ),
);

export type DoFrameworkEventName = {
  [N in DoFrameworkNamespace]: `${N}.${(typeof DO_FRAMEWORK_NAMESPACES)[N][number]}`;
}[DoFrameworkNamespace];

type NamespaceOf<Name extends string> = { [N in DoFrameworkNamespace]: Name extends `${N}.${string}` ? N : never }[DoFrameworkNamespace];

/** The typed fields of one namespaced event, for producers (any other field is allowed too). */
export type DoFrameworkFields<Name extends DoFrameworkEventName> = v.InferOutput<typeof COMMON_FIELDS> &
  v.InferOutput<(typeof NAMESPACE_FIELDS)[NamespaceOf<Name>]> & { [field: string]: unknown };
