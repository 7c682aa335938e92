import type { ParsedEvent } from "../parse/parsed-event";
import type { Redactor } from "./redact-fields";

/**
 * Redacts one event before anything stores or forwards it: its data at any depth, and for an
 * invocation the query string of its URL. Once something was redacted, the original log line is
 * dropped too, so no fallback can archive it.
 */
export function redactEvent(event: ParsedEvent, redactor: Redactor): void {
  if (redactor.redact(event.data)) event.raw = undefined;
  if (event.kind === "invocation" && typeof event.data.url === "string") event.data.url = redactor.redactUrl(event.data.url);
}
