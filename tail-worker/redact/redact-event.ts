import type { ParsedEvent } from "../parse/parsed-event";
import type { Redactor } from "./redact-fields";

/**
 * Redacts one event before anything stores or forwards it. A JSON log whose text has no candidate
 * key skips the walk; once something was redacted, the original text is dropped with it.
 */
export function redactEvent(event: ParsedEvent, redactor: Redactor): void {
  if (event.raw !== undefined && !redactor.mayNeedRedaction(event.raw)) return;
  if (redactor.redact(event.data)) event.raw = undefined;
}
