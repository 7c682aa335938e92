import { isPartitionable } from "../../schemas/archive/partition";
import { errorMessage } from "../../schemas/lib/error-message";

/**
 * Narrowing helpers for TraceItem fields, which may be null, missing, of the wrong type, or
 * hostile (getters that throw, revoked Proxies): none of these throws.
 */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  try {
    if (Array.isArray(value)) return false;
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  } catch {
    // A revoked Proxy, or one whose traps throw: not something to read as a record.
    return false;
  }
}

/**
 * The record to read a part's fields from: the value itself when it is a non-array object, {}
 * for anything else (null, a number, an array: a part without fields). Throws when the object
 * cannot even be inspected (a revoked Proxy, a throwing trap), so that its part is marked
 * unreadable rather than passed off as empty.
 */
export function partRecord(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object") return {};
  Object.getPrototypeOf(value);
  return Array.isArray(value) ? {} : (value as Record<string, unknown>);
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Array.isArray, false for a revoked Proxy (which makes Array.isArray throw). */
export function isArray(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * A usable event time: the given timestamp when it is a time the archive can file (1970 to 9999),
 * else the fallback (`fallbackName` says which in the problem noted for a number out of range).
 */
export function timeOr(value: unknown, fallback: number, problems: Problems, fallbackName: string): number {
  const time = asNumber(value);
  if (time === undefined) return fallback;
  if (isPartitionable(time)) return time;
  noteProblem(problems, `timestamp: ${time} is not a time from 1970 to 9999, ${fallbackName} used`);
  return fallback;
}

/** Collects what could not be read, as `field: reason`, for the event's parseError. */
export type Problems = string[];

/** Problems kept per event: enough to say what went wrong, bounded whatever the input. */
export const MAX_PROBLEMS = 5;

export function noteProblem(problems: Problems, text: string): void {
  if (problems.length < MAX_PROBLEMS) problems.push(text);
}

/** A problem's text: the field and the error, bounded, so a hostile message cannot grow an event. */
export function problemText(field: string, error: unknown): string {
  return `${field.slice(0, 100)}: ${errorMessage(error).slice(0, 200)}`;
}

/** `record[key]`, or undefined (with the problem noted) when reading it throws. */
export function readField(record: object, key: string, problems: Problems): unknown {
  try {
    return (record as Record<string, unknown>)[key];
  } catch (error) {
    noteProblem(problems, problemText(key, error));
    return undefined;
  }
}

/** `record[key]`, or undefined when reading it throws. */
export function readFieldQuietly(record: object, key: string): unknown {
  try {
    return (record as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Whether `key in record`, false when asking throws. */
export function hasField(record: object, key: string): boolean {
  try {
    return key in record;
  } catch {
    return false;
  }
}

/** An element that could not be read: its part of the item becomes a marked event. */
export class Unreadable {
  constructor(readonly reason: string) {}
}

/** Whether a value is an Unreadable; false for anything else, even a Proxy whose traps throw. */
export function isUnreadable(value: unknown): value is Unreadable {
  try {
    return value instanceof Unreadable;
  } catch {
    return false;
  }
}

/** Elements read from one list at most (the platform caps an item's logs at 256 KB anyway). */
export const MAX_LIST_ITEMS = 100_000;

/**
 * The elements of list field `key` (logs, exceptions, …): [] when it is absent or not an array.
 * An element whose read throws is an Unreadable in its place; a list that cannot be read at all
 * is one Unreadable, so that its part of the item is still marked rather than lost silently.
 */
export function readList(record: object, key: string, problems: Problems): unknown[] {
  let value: unknown;
  let length: number;
  try {
    value = (record as Record<string, unknown>)[key];
    if (!Array.isArray(value)) return [];
    length = value.length;
  } catch (error) {
    return [new Unreadable(problemText(key, error))];
  }
  if (length > MAX_LIST_ITEMS) {
    noteProblem(problems, `${key}: ${length - MAX_LIST_ITEMS} elements past the first ${MAX_LIST_ITEMS} not read`);
    length = MAX_LIST_ITEMS;
  }
  return copyElements(value as unknown[], length, (i, error) => new Unreadable(problemText(`${key}[${i}]`, error)));
}

/**
 * The first `length` elements of an array: one native slice as a rule; element by element only
 * when that throws (an element getter, a Proxy trap), each failing one replaced by `unreadable`.
 */
export function copyElements(list: unknown[], length: number, unreadable: (index: number, error: unknown) => unknown): unknown[] {
  try {
    return Array.prototype.slice.call(list, 0, length);
  } catch {
    const items = new Array<unknown>(length);
    for (let i = 0; i < length; i++) {
      try {
        items[i] = list[i];
      } catch (error) {
        items[i] = unreadable(i, error);
      }
    }
    return items;
  }
}
