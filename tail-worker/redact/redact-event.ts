import type { ParsedEvent } from "../parse/parsed-event";
import type { Redactor } from "./redact-fields";

/**
 * Redacts one event before anything stores or forwards it. Once something was redacted, the
 * original log line is dropped too, so no fallback can archive it.
 */
export function redactEvent(event: ParsedEvent, redactor: Redactor): void {
  if (redactor.redact(event.data)) event.raw = undefined;
}
