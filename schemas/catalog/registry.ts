import type * as v from "valibot";
import { DO_FRAMEWORK_EVENTS, type DoFrameworkEventName, type DoFrameworkFields } from "./do-framework";
import { HEARTBEAT_EVENTS } from "./heartbeats";
import { RUNTIME_ANALYTICS_EVENTS } from "./runtime-analytics";
import { WIDE_EVENTS } from "./wide-events";

/** Catalogs whose event names and schemas are listed by name (the DO framework's are generated). */
const LISTED = { ...WIDE_EVENTS, ...RUNTIME_ANALYTICS_EVENTS, ...HEARTBEAT_EVENTS };

type ListedName = keyof typeof LISTED;

/** Every event the pipeline knows: `_event` name → its schema. Names outside it are not validated. */
export const EVENT_SCHEMAS: ReadonlyMap<string, v.GenericSchema> = new Map<string, v.GenericSchema>([
  ...Object.entries(LISTED),
  ...Object.entries(DO_FRAMEWORK_EVENTS),
]);

export function schemaFor(name: string): v.GenericSchema | undefined {
  return EVENT_SCHEMAS.get(name);
}

export type KnownEventName = ListedName | DoFrameworkEventName;

/** The fields of a known event as its schema describes them (extra fields are allowed as well). */
export type KnownEventFields<N extends KnownEventName> = N extends ListedName
  ? v.InferOutput<(typeof LISTED)[N]>
  : N extends DoFrameworkEventName
    ? DoFrameworkFields<N>
    : never;
