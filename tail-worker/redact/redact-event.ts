import type { SecurityConfig } from "../../schemas/config/config";
import type { ParsedEvent } from "../parse/parsed-event";
import type { Redactor } from "./redact-fields";
import { dropPersonalRequestMetadata } from "./request-metadata";
import { lineMayHoldSecretText } from "./secret-text";

/**
 * Redacts one event before anything stores or forwards it: its data at any depth, the secret
 * query parameters in its text, and for an invocation the request metadata that locates or
 * fingerprints a person. Once anything was redacted, the producer's original line no longer says
 * what the data says: it is dropped, and no later step can archive it (whether a line that is
 * left holds keys its parse dropped is the envelope's check, see dataJson).
 */
export function redactEvent(event: ParsedEvent, redactor: Redactor, security: SecurityConfig): void {
  if (event.kind === "invocation") dropPersonalRequestMetadata(event.data, security);
  const raw = event.raw;
  const changed = redactor.redact(event.data, raw === undefined || lineMayHoldSecretText(raw));
  if (changed) event.raw = undefined;
  else if (raw !== undefined) event.rawKeys = redactor.keysWalked();
  if (event.text !== undefined) event.text = redactor.redactText(event.text, event.argsJoined === true);
  // What could not be read is named with the error it threw, which is the producer's text too.
  if (event.parseError !== undefined) event.parseError = redactor.redactText(event.parseError);
}
