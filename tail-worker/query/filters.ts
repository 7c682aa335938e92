import { fieldPath } from "./fields";
import type { Condition } from "./query-schema";

/**
 * `where` conditions as one predicate; every condition must hold.
 *
 * - `eq` / `ne` / `in`: equal JSON values; a number also equals its decimal string and a boolean
 *   "true"/"false", so values typed into a URL or the CLI work. `eq null` matches a missing field;
 *   `ne` holds for a missing field.
 * - `gt` / `gte` / `lt` / `lte`: numbers numerically (a numeric string counts as its number),
 *   strings lexically (ISO times compare correctly); anything else does not match.
 * - `contains`: a string field holds the value, case-insensitively; an array field has an element
 *   equal to it.
 * - `exists`: the field is present and not null (`value: false`: absent or null).
 */
export type Predicate = (event: unknown) => boolean;

export function compileWhere(conditions: readonly Condition[]): Predicate {
  const tests = conditions.map(compileCondition);
  if (tests.length === 0) return () => true;
  return (event) => tests.every((test) => test(event));
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
      const values = value as unknown[];
      return (event) => {
        const actual = path.read(event);
        return values.some((candidate) => looseEqual(actual, candidate));
      };
    }
    case "gt":
      return (event) => {
        const c = compare(path.read(event), value);
        return c !== undefined && c > 0;
      };
    case "gte":
      return (event) => {
        const c = compare(path.read(event), value);
        return c !== undefined && c >= 0;
      };
    case "lt":
      return (event) => {
        const c = compare(path.read(event), value);
        return c !== undefined && c < 0;
      };
    case "lte":
      return (event) => {
        const c = compare(path.read(event), value);
        return c !== undefined && c <= 0;
      };
    case "contains": {
      const needle = String(value).toLowerCase();
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
  }
}

/** Equal JSON values, with numbers equal to their decimal strings and booleans to "true"/"false". */
export function looseEqual(actual: unknown, expected: unknown): boolean {
  if (actual === undefined) actual = null;
  if (expected === undefined) expected = null;
  if (actual === expected) return true;
  if (actual === null || expected === null) return false;
  if (typeof actual === "number" && typeof expected === "string") return expected.trim() !== "" && Number(expected) === actual;
  if (typeof actual === "string" && typeof expected === "number") return actual.trim() !== "" && Number(actual) === expected;
  if (typeof actual === "boolean" && typeof expected === "string") return String(actual) === expected;
  if (typeof actual === "string" && typeof expected === "boolean") return actual === String(expected);
  if (typeof actual === "object" && typeof expected === "object") return JSON.stringify(actual) === JSON.stringify(expected);
  return false;
}

/** Sign of actual − expected for comparable values, or undefined when they do not compare. */
function compare(actual: unknown, expected: unknown): number | undefined {
  const a = asNumber(actual);
  const b = asNumber(expected);
  if (typeof actual === "number" || typeof expected === "number") {
    if (a === undefined || b === undefined) return undefined;
    return Math.sign(a - b);
  }
  if (typeof actual === "string" && typeof expected === "string") return actual < expected ? -1 : actual > expected ? 1 : 0;
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Whether events of one importance can match: the conditions on `importance` alone, tried on that
 * level. Objects of other importances are skipped unread (their keys say their importance).
 */
export function importanceMayMatch(conditions: readonly Condition[], importance: number): boolean {
  const onImportance = conditions.filter((c) => fieldPath(c.field).segments.join(".") === "importance");
  return onImportance.every((c) => compileCondition(c)({ importance }));
}
