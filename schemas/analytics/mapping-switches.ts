import * as v from "valibot";
import { DO_FRAMEWORK_NAMESPACES } from "../catalog/do-framework";
import { ANALYTICS_MAPPINGS } from "./mappings";

/**
 * ANALYTICS_MAPPINGS_DISABLED: a comma-separated list of mappings to switch off, each an event
 * name of the mapping table (`player_console_log`) or a whole DO-framework namespace (`AI.*`).
 * An entry that names no mapping is an error, so a typo cannot leave a mapping on unnoticed.
 * The setting parses to the set of event names switched off.
 */
export const MappingSwitchesSchema = v.pipe(
  v.string(),
  v.transform((list) =>
    list
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ""),
  ),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const disabled = new Set<string>();
    for (const entry of dataset.value) {
      const events = eventsNamedBy(entry);
      if (events.length === 0) {
        addIssue({ message: `"${entry}" is neither a mapped event name nor a DO-framework namespace followed by ".*"` });
        return NEVER;
      }
      for (const event of events) disabled.add(event);
    }
    return disabled as ReadonlySet<string>;
  }),
);

function eventsNamedBy(entry: string): string[] {
  if (entry.endsWith(".*")) {
    const namespace = entry.slice(0, -2);
    return Object.hasOwn(DO_FRAMEWORK_NAMESPACES, namespace)
      ? [...ANALYTICS_MAPPINGS.keys()].filter((event) => event.startsWith(`${namespace}.`))
      : [];
  }
  return ANALYTICS_MAPPINGS.has(entry) ? [entry] : [];
}
