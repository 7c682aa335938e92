import type { Condition } from "./condition";

/**
 * Conditions typed as text, as the archive CLI's `--where`, `npm run archives -- live` and the
 * dashboard's Live filter box take them: `field=value`, `field!=value`, `field>=n`, … (`~` is
 * contains). Values stay text (the filter language compares a number with its decimal string as
 * equal), except `null`, which stands for a missing field as it does in /query, and a JSON-quoted
 * string, which is that string. No imports but types, so that Node scripts import it as it is.
 */

/** Text that is not a condition; the message starts with the text, quoted. */
export class WhereError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WhereError";
  }
}

const OPERATORS: Record<string, Condition["op"]> = {
  "=": "eq",
  "!=": "ne",
  ">": "gt",
  ">=": "gte",
  "<": "lt",
  "<=": "lte",
  "~": "contains",
};

/** The condition a text spells; throws WhereError. */
export function parseWhere(text: string): Condition {
  const match = /^([^=!<>~\s]+)\s*(!=|>=|<=|=|>|<|~)\s*(.*)$/s.exec(text);
  if (!match) throw new WhereError(`"${text}" must look like field=value (or !=, >, >=, <, <=, ~ for contains)`);
  const [, field, op, raw] = match as unknown as [string, string, string, string];
  if (field.split(".").some((segment) => segment === "")) throw new WhereError(`"${text}": the field has an empty segment`);
  let value: unknown = raw;
  if (raw === "null" && (op === "=" || op === "!=")) value = null;
  else if (/^".*"$/s.test(raw)) {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new WhereError(`"${text}": the quoted value is not a JSON string`);
    }
  }
  return { field, op: OPERATORS[op]!, value };
}
