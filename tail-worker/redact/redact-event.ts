import type { SecurityConfig } from "../../schemas/config/config";
import { countJsonKeys } from "../parse/json-keys";
import type { ParsedEvent } from "../parse/parsed-event";
import type { Redactor } from "./redact-fields";
import { dropPersonalRequestMetadata } from "./request-metadata";

/**
 * Redacts one event before anything stores or forwards it: its data at any depth, the secret
 * query parameters in its text, and for an invocation the request metadata that locates or
 * fingerprints a person. The producer's original line is kept for the archive only while it is
 * exactly the data: once anything was redacted, or when the line holds more keys than its parse
 * (JSON.parse keeps the last of duplicate keys, so the line may hide a secret the data does not
 * show), it is dropped and no later step can archive it.
 */
export function redactEvent(event: ParsedEvent, redactor: Redactor, security: SecurityConfig): void {
  if (event.kind === "invocation") dropPersonalRequestMetadata(event.data, security);
  // A line with no "=" (nor an escape that could make one) holds no query parameter to look for.
  const raw = event.raw;
  const outcome = redactor.redact(event.data, raw === undefined || raw.indexOf("=") !== -1 || raw.indexOf("\\u") !== -1);
  if (event.raw !== undefined && (outcome.changed || countJsonKeys(event.raw) !== outcome.keys)) event.raw = undefined;
  if (event.text !== undefined) event.text = redactor.redactText(event.text);
  // What could not be read is named with the error it threw, which is the producer's text too.
  if (event.parseError !== undefined) event.parseError = redactor.redactText(event.parseError);
}
