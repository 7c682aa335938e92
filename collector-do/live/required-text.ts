import type { Condition } from "../../schemas/filter/condition";

/** A key any mainstream serialiser writes as it is (no escapes). */
const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;
/** A value no mainstream serialiser escapes: printable ASCII without quotes, backslashes or slashes. */
const PLAIN_VALUE = /^[A-Za-z0-9 _.:@-]+$/;
/** Conditions that cannot hold for an absent (or null) field: its key must be in the event. */
const NEEDS_FIELD: ReadonlySet<Condition["op"]> = new Set(["eq", "in", "gt", "gte", "lt", "lte", "contains", "glob"]);

/**
 * Texts that must all appear in an event's JSON for `where` to hold, so that most events can be
 * passed over without being parsed: the key of a field a condition needs, and the value of an
 * `eq` on plain text. Only what cannot be written another way counts: an event's `data` is the
 * producer's own JSON line, so numbers (100, 1e2, 100.0) and escaped text are left to the parse.
 */
export function requiredText(where: readonly Condition[]): string[] {
  const texts = new Set<string>();
  for (const { field, op, value } of where) {
    const key = field.split(".").at(-1)!;
    const present =
      (NEEDS_FIELD.has(op) && value !== null && !(Array.isArray(value) && value.includes(null))) || (op === "exists" && value !== false);
    if (present && PLAIN_KEY.test(key)) texts.add(`"${key}"`);
    if (op === "eq" && typeof value === "string" && PLAIN_VALUE.test(value) && Number.isNaN(Number(value))) texts.add(value);
  }
  return [...texts];
}
