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
  if (raw !== undefined && (outcome.changed || !lineIsData(raw, event.data, outcome.keys))) event.raw = undefined;
  if (event.text !== undefined) event.text = redactor.redactText(event.text);
  // What could not be read is named with the error it threw, which is the producer's text too.
  if (event.parseError !== undefined) event.parseError = redactor.redactText(event.parseError);
}

/**
 * Whether a strictly parsed line says exactly what its (unredacted) data says. The usual line is
 * JSON.stringify's own output: when serialising the data gives the line back, it is the data,
 * and that costs less than counting the line's keys. Any other line (spaces, `1.0`, integers
 * beyond 2^53, duplicate keys) is the data when it holds as many keys as its parse.
 */
function lineIsData(line: string, data: Record<string, unknown>, keys: number): boolean {
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch {
    // Nested deeper than JSON.stringify's stack: only the count can tell.
  }
  return json === line || countJsonKeys(line) === keys;
}
