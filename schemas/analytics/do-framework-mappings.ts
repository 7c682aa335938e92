import { DO_FRAMEWORK_NAMESPACES, type DoFrameworkNamespace } from "../catalog/do-framework";
import { defineMapping, type EventMapping, type MappingInput } from "./mapping";

/**
 * One layout for every DO-framework namespaced event, for the questions asked of them: volume per
 * namespace and event, failure rate, p95 duration per event, and each namespace's own measure
 * (AI tokens, payment amounts, CDC counts).
 *
 * blobs   [event, namespace, outcome, error, subject, script]
 * doubles [duration, failed, quantity]
 * index   namespace: low cardinality, so each namespace is sampled fairly against the others.
 *
 * `outcome` is `failed` when the name ends in `failed` or the event carries an error, else `ok`.
 * `subject` and `quantity` are the namespace's most telling low-cardinality field and number.
 */
const MEASURES: Record<DoFrameworkNamespace, { subject?: string; quantity?: string }> = {
  "DO.Lifecycle": { subject: "type" },
  RPC: { subject: "method" },
  CDC: { subject: "table", quantity: "count" },
  AI: { subject: "model", quantity: "tokens" },
  Workflow: { subject: "step" },
  Agent: { subject: "tool" },
  Execution: { subject: "language" },
  Storage: { quantity: "size" },
  Connection: { quantity: "code" },
  Schedule: { subject: "task" },
  Financial: { subject: "currency", quantity: "amount" },
  Communication: { subject: "channel" },
  Telephony: {},
};

const failed = ({ type, data }: MappingInput) => type.endsWith("failed") || (typeof data.error === "string" && data.error !== "");

function namespaceMapping(namespace: DoFrameworkNamespace, event: string): EventMapping {
  const { subject, quantity } = MEASURES[namespace];
  return defineMapping(`${namespace}.${event}`, {
    blobs: [
      "_event",
      { name: "namespace", read: () => namespace },
      { name: "outcome", read: (input) => (failed(input) ? "failed" : "ok") },
      "error",
      { name: `subject (${subject ?? "none"})`, read: ({ data }) => (subject ? data[subject] : "") },
      { name: "script", read: ({ script }) => script },
    ],
    doubles: [
      "duration",
      { name: "failed", read: failed },
      { name: `quantity (${quantity ?? "none"})`, read: ({ data }) => (quantity ? data[quantity] : 0) },
    ],
    index: { name: "namespace", read: () => namespace },
  });
}

export const DO_FRAMEWORK_MAPPINGS: readonly EventMapping[] = (
  Object.entries(DO_FRAMEWORK_NAMESPACES) as [DoFrameworkNamespace, readonly string[]][]
).flatMap(([namespace, events]) => events.map((event) => namespaceMapping(namespace, event)));
