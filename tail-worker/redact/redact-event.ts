import type { SecurityConfig } from "../../schemas/config/config";
import { colonsUpTo, lineHoldsKeys } from "../parse/json-keys";
import type { ParsedEvent } from "../parse/parsed-event";
import type { Redactor } from "./redact-fields";
import { dropPersonalRequestMetadata } from "./request-metadata";
import { lineMayHoldSecretText } from "./secret-text";

/**
 * Redacts one event before anything stores or forwards it: its data at any depth, the secrets
 * written into its text and its name (`redactedType`: its name redacted, when the caller has it
 * already), and for an invocation the request metadata that locates or fingerprints a person.
 * Once anything was redacted, the producer's original line no longer says what the data says: it
 * is dropped, and no later step can archive it.
 */
export function redactEvent(event: ParsedEvent, redactor: Redactor, security: SecurityConfig, redactedType?: string): void {
  if (event.kind === "invocation") dropPersonalRequestMetadata(event.data, security);
  const raw = event.raw;
  if (raw === undefined) redactor.redact(event.data);
  else redactLineData(event, raw, redactor);
  if (event.kind === "exception") redactExceptionProse(event.data, redactor);
  markNonFinite(event, redactor.nonFiniteWalked());
  // Names are the producer's text too: an `_event` or a diagnostics channel can be written with a secret in it.
  event.type = redactedType ?? redactor.redactName(event.type);
  if (event.channel !== undefined) event.channel = redactor.redactName(event.channel);
  if (event.text !== undefined) event.text = redactor.redactText(event.text, event.argsJoined === true);
  // What could not be read is named with the error it threw, which is the producer's text too.
  if (event.parseError !== undefined) event.parseError = redactor.redactText(event.parseError);
}

/**
 * Data parsed from a JSON line, whose line the archive keeps while it says what the data says.
 * Its strings are searched for secrets written into them when the line holds a mark of one
 * (lineMayHoldSecretText), or a colon that is not a key's (`secret:abc`): a line has as many
 * colons as keys unless a string holds one, or a key is there twice (JSON.parse keeps the last of
 * duplicate keys, and the first could hide a secret the data does not show: such a line is never
 * kept). The colons are counted after the walk has counted the keys. When that first walk already
 * replaced a value (a session id's pseudonym), the search starts again from the line: walking the
 * replaced data again would hash its pseudonyms a second time.
 */
function redactLineData(event: ParsedEvent, line: string, redactor: Redactor): void {
  const scanned = lineMayHoldSecretText(line);
  let changed = redactor.redact(event.data, scanned);
  const keys = redactor.keysWalked();
  const colons = colonsUpTo(line, keys);
  if (!scanned && colons > keys) {
    if (changed) event.data = JSON.parse(line) as Record<string, unknown>;
    changed = redactor.redact(event.data, true) || changed;
  }
  if (changed || !lineHoldsKeys(line, keys, colons)) event.raw = undefined;
}

/** An exception's message and stack are prose (`refresh failed for token 9f8a…`), not only data. */
function redactExceptionProse(data: Record<string, unknown>, redactor: Redactor): void {
  for (const field of ["message", "stack"]) {
    const text = data[field];
    if (typeof text === "string") data[field] = redactor.redactProse(text);
  }
}

/**
 * Numbers JSON cannot write (a line's `1e400` parses to Infinity; an argument can hold NaN) are
 * archived as JSON.stringify writes them, null, and marked. A line holding one is never kept
 * byte for byte: readers such as serde_json and Go's refuse `1e400`.
 */
function markNonFinite(event: ParsedEvent, count: number): void {
  if (count === 0) return;
  event.raw = undefined;
  const note = `${count} number${count === 1 ? "" : "s"} JSON cannot hold (NaN, Infinity or beyond the double range) archived as null`;
  event.parseError = event.parseError === undefined ? note : `${event.parseError}; ${note}`;
}
