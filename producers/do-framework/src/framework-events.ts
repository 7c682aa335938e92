import { channel } from "node:diagnostics_channel";
import type { DoFrameworkEventName } from "../../../schemas/catalog/do-framework";
import { type Correlation, WideEvent, type WideEventFields } from "../../lib/wide-event";

/**
 * The DO framework reports some events on its diagnostics channel rather than on the console;
 * the tail worker receives them as TraceItem `diagnosticsChannelEvents` and names them by
 * `_event` just the same.
 */
const frameworkChannel = channel("do-framework");

export type Via = "console" | "channel";

/** Namespaces the framework publishes on its channel; the rest it logs. */
const CHANNEL_NAMESPACES = ["AI.", "Workflow.", "CDC."];

export function viaFor(name: DoFrameworkEventName): Via {
  return CHANNEL_NAMESPACES.some((prefix) => name.startsWith(prefix)) ? "channel" : "console";
}

/** Starts a namespaced event; `emitFramework` sends it the way the framework does for its namespace. */
export function frameworkEvent<N extends DoFrameworkEventName>(
  name: N,
  correlation: Correlation,
  fields?: WideEventFields<N>,
): WideEvent<N> {
  return new WideEvent(name, correlation, fields);
}

export function emitFramework(event: WideEvent<DoFrameworkEventName>): void {
  if (viaFor(event.name) === "channel") event.emit((payload) => frameworkChannel.publish(payload));
  else event.emit();
}

/** Starts and sends one namespaced event in a single step. */
export function reportFramework<N extends DoFrameworkEventName>(name: N, correlation: Correlation, fields?: WideEventFields<N>): void {
  emitFramework(frameworkEvent(name, correlation, fields));
}
