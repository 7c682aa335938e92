import { CONTEXT_NAME_FIELDS, ENTRY_NAME_FIELDS, judgedByShape } from "./entries";
import { type NamedValueRedaction, REDACTED } from "./secret-text";
import { readsAsSecret } from "./value-shapes";

/**
 * A `[name, value]` pair written into text as JSON, as `JSON.stringify([...request.headers])`
 * prints header lists: the name decides for the value, as in data. Only as an item of a list
 * (after `[` or `,`): a lone pair of words is more often a path (`"path":["auth","token"]`).
 */
const PAIR = /(?<=[[,])(\s*)\[\s*"([^"\\\n]{1,100})"\s*,\s*"((?:[^"\\\n]|\\.){0,4000})"\s*\]/g;
/** An entry (see entries.ts) written into text as JSON, its name's field first: `{"name":"X-Api-Key","value":"…"}`. */
const ENTRY = new RegExp(
  `\\{\\s*"(${[...ENTRY_NAME_FIELDS, ...CONTEXT_NAME_FIELDS].join("|")})"\\s*:\\s*"([^"\\\\\\n]{1,200})"\\s*,\\s*"(value|Value|text)"\\s*:\\s*"((?:[^"\\\\\\n]|\\\\.){0,4000})"`,
  "g",
);

/** Pairs and entries written into text as JSON (`headers: [["x-api-key","…"]]`), redacted as in data. */
export function redactTextEntries(text: string, redactNamed: NamedValueRedaction): string {
  function redactPair(match: string, space: string, name: string, value: string): string {
    const redact = value === REDACTED ? undefined : redactNamed(name);
    const replaced = redact?.(value);
    return replaced === undefined || replaced === value ? match : `${space}["${name}","${replaced}"]`;
  }

  function redactEntry(match: string, nameField: string, name: string, valueField: string, value: string): string {
    const redact = value === REDACTED || (judgedByShape(nameField, valueField) && !readsAsSecret(value)) ? undefined : redactNamed(name);
    const replaced = redact?.(value);
    return replaced === undefined || replaced === value ? match : `{"${nameField}":"${name}","${valueField}":"${replaced}"`;
  }

  return text.replace(PAIR, redactPair).replace(ENTRY, redactEntry);
}
