import type { Condition } from "./condition";
import { canonicalPath, fieldPath, WHOLE_EVENT } from "./field-path";
import { compileGlob } from "./glob";

/**
 * The filter language's meaning: conditions (condition.ts) compiled to one predicate over an
 * archived event; every condition must hold.
 *
 * - `eq` / `ne` / `in`: equal JSON values; a number also equals its decimal string and a boolean
 *   "true"/"false", so values typed into a URL or the CLI work. `null` stands for a missing field:
 *   `eq null` (CLI `--where f=null`) holds when the field is absent or null, `ne null` when it is
 *   present. `ne` holds for a missing field otherwise. `in` looks each value up in a set: constant
 *   time per event, whatever the length of the list.
 * - `gt` / `gte` / `lt` / `lte`: numbers numerically (a numeric string counts as its number),
 *   strings lexically (ISO times compare correctly); anything else does not match.
 * - `contains`: a string field holds the value, case-insensitively; an array field has an element
 *   equal to it. On the field `*` it searches the whole event's JSON text.
 * - `exists`: the field is present and not null (`value: false`: absent or null).
 * - `glob`: a string field matches a `*` pattern, case-insensitively (`ws_*`, `*failed`).
 */
export type Predicate = (event: unknown) => boolean;

export function compileWhere(conditions: readonly Condition[]): Predicate {
  const tests = conditions.map(compileCondition);
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0]!;
  return (event) => {
    for (const test of tests) if (!test(event)) return false;
    return true;
  };
}

export function compileCondition(condition: Condition): Predicate {
  const path = fieldPath(condition.field);
  const { value } = condition;
  switch (condition.op) {
    case "eq":
      return (event) => looseEqual(path.read(event), value);
    case "ne":
      return (event) => !looseEqual(path.read(event), value);
    case "in": {
      const set = valueSet(value as unknown[]);
      return (event) => set.has(path.read(event));
    }
    case "gt":
      return (event) => (compare(path.read(event), value) ?? Number.NaN) > 0;
    case "gte":
      return (event) => (compare(path.read(event), value) ?? Number.NaN) >= 0;
    case "lt":
      return (event) => (compare(path.read(event), value) ?? Number.NaN) < 0;
    case "lte":
      return (event) => (compare(path.read(event), value) ?? Number.NaN) <= 0;
    case "contains": {
      const needle = String(value).toLowerCase();
      if (condition.field === WHOLE_EVENT) return (event) => JSON.stringify(event).toLowerCase().includes(needle);
      return (event) => {
        const actual = path.read(event);
        if (typeof actual === "string") return actual.toLowerCase().includes(needle);
        if (Array.isArray(actual)) return actual.some((element) => looseEqual(element, value));
        return false;
      };
    }
    case "exists": {
      const wanted = value !== false;
      return (event) => {
        const actual = path.read(event);
        return (actual !== undefined && actual !== null) === wanted;
      };
    }
    case "glob": {
      const pattern = compileGlob(String(value));
      return (event) => {
        const actual = path.read(event);
        return typeof actual === "string" && pattern.test(actual);
      };
    }
  }
}

/** Equal JSON values, with numbers equal to their decimal strings and booleans to "true"/"false". */
export function looseEqual(actual: unknown, expected: unknown): boolean {
  if (actual === undefined) actual = null;
  if (expected === undefined) expected = null;
  if (actual === expected) return true;
  if (actual === null || expected === null) return false;
  if (typeof actual === "number" && typeof expected === "string") return numericText(expected) === actual;
  if (typeof actual === "string" && typeof expected === "number") return numericText(actual) === expected;
  if (typeof actual === "boolean" && typeof expected === "string") return String(actual) === expected;
  if (typeof actual === "string" && typeof expected === "boolean") return actual === String(expected);
  if (typeof actual === "object" && typeof expected === "object") return JSON.stringify(actual) === JSON.stringify(expected);
  return false;
}

/**
 * The values of an `in` list as a set under looseEqual: each value is filed under the keys it
 * equals (a number under its number, a numeric string also under the number it spells, a boolean
 * under its text too), and an event's value is looked up under its own keys.
 */
function valueSet(values: readonly unknown[]): { has(actual: unknown): boolean } {
  const keys = new Set<string>();
  for (const value of values) {
    if (value === null || value === undefined) keys.add("null");
    else if (typeof value === "number") keys.add(`n:${value}`);
    else if (typeof value === "boolean") keys.add(`b:${value}`);
    else if (typeof value === "string") {
      keys.add(`s:${value}`);
      const n = numericText(value);
      // A numeric string equals the number it spells, but not another string spelling it.
      if (n !== undefined) keys.add(`sn:${n}`);
      if (value === "true" || value === "false") keys.add(`sb:${value}`);
    } else keys.add(`j:${JSON.stringify(value)}`);
  }
  return {
    has(actual) {
      if (actual === null || actual === undefined) return keys.has("null");
      switch (typeof actual) {
        case "number":
          return keys.has(`n:${actual}`) || keys.has(`sn:${actual}`);
        case "boolean":
          return keys.has(`b:${actual}`) || keys.has(`sb:${actual}`);
        case "string": {
          if (keys.has(`s:${actual}`)) return true;
          const n = numericText(actual);
          if (n !== undefined && keys.has(`n:${n}`)) return true;
          return (actual === "true" || actual === "false") && keys.has(`b:${actual}`);
        }
        case "object":
          return keys.has(`j:${JSON.stringify(actual)}`);
        default:
          return false;
      }
    },
  };
}

/** The number a non-blank string spells (as Number() reads it), or undefined. */
function numericText(text: string): number | undefined {
  if (text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isNaN(n) ? undefined : n;
}

/** Sign of actual − expected for comparable values, or undefined when they do not compare. */
function compare(actual: unknown, expected: unknown): number | undefined {
  if (typeof actual === "number" || typeof expected === "number") {
    const a = asNumber(actual);
    const b = asNumber(expected);
    if (a === undefined || b === undefined) return undefined;
    return Math.sign(a - b);
  }
  if (typeof actual === "string" && typeof expected === "string") return actual < expected ? -1 : actual > expected ? 1 : 0;
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string") {
    const n = numericText(value);
    return n !== undefined && Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Whether events of one importance can match: the conditions on `importance` alone, tried on that
 * level. Objects of other importances are skipped unread (their keys say their importance).
 */
export function importanceMayMatch(conditions: readonly Condition[], importance: number): boolean {
  return conditions.filter((c) => canonicalPath(c.field) === "importance").every((c) => compileCondition(c)({ importance }));
}
