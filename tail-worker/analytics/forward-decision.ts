import type { ForwardDecision } from "../../schemas/analytics/data-point";
import { mappingFor } from "../../schemas/analytics/mappings";
import type { Config } from "../../schemas/config/config";
import type { ValidationMark } from "../../schemas/event-envelope";
import { errorMessage } from "../../schemas/lib/error-message";
import type { ParsedEvent } from "../parse/parsed-event";

/**
 * Decides, while the event is still parsed, whether it goes to Analytics Engine and as what data
 * point; the collector writes the point as soon as the event is stored. Undefined when forwarding
 * is off or the event has no mapping (`mapping`: its type's, when the caller has it already). A
 * mapping switched off, or an event failing its schema (its numbers could not be trusted on a
 * dashboard), is a skip the collector counts.
 */
export function forwardDecision(
  event: ParsedEvent,
  validation: ValidationMark | undefined,
  script: string | null,
  config: Config,
  sampleRate = 1,
  mapping = mappingFor(event.type),
): ForwardDecision | undefined {
  if (!config.analyticsEnabled || !event.named || !mapping) return undefined;
  if (config.analyticsMappingsDisabled.has(event.type)) return { mapping: mapping.event, skipped: "disabled" };
  if (validation) return { mapping: mapping.event, skipped: "invalid" };
  try {
    return { mapping: mapping.event, point: mapping.toDataPoint({ type: event.type, data: event.data, script, sampleRate }) };
  } catch (error) {
    // Mappings read validated fields and cannot throw on them; if one ever does, the event is still archived.
    console.error(`do-tail: mapping ${mapping.event} failed: ${errorMessage(error)}`);
    return { mapping: mapping.event, skipped: "invalid" };
  }
}
