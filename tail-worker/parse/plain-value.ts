import { MAX_DATA_DEPTH } from "../../schemas/event-envelope";
import { errorMessage } from "../../schemas/lib/error-message";
import { setOwn } from "../../schemas/lib/own-property";
import { noteProblem, type Problems } from "./values";

/**
 * Deeper structures are cut with a marker: every later step then works on bounded data, and the
 * archive holds no more than MAX_DATA_DEPTH levels. Data holds a copy at most two levels down
 * (`{args: [copy]}`, `request.headers`).
 */
export const MAX_PLAIN_DEPTH = MAX_DATA_DEPTH - 2;
/** Values copied from one producer value at most; past it the rest is cut with a marker. */
export const MAX_PLAIN_NODES = 1_000_000;

/**
 * A producer's value (a console argument, a diagnostics message, request metadata) as plain JSON
 * data that no later step can trip on: only plain objects, arrays, strings, numbers, booleans and
 * null, no cycles, bounded depth. Never throws and runs no producer code but getters and Proxy
 * traps (as JSON.stringify would): what cannot be read becomes a marker string, its path noted in
 * `problems`.
 *
 * What JSON.stringify drops (functions, symbols, undefined) is dropped; a BigInt becomes its
 * decimal string, a Date its ISO string, a Map an array of [key, value] pairs, a Set an array,
 * Headers an object of its entries, an Error `{name, message, stack}`, a cycle "[Circular]".
 */
export function toPlain(value: unknown, problems: Problems): unknown {
  if (value === null || typeof value !== "object") return primitive(value);
  return copier.start(value, problems);
}

/** A primitive as JSON data would hold it. */
function primitive(value: unknown): unknown {
  switch (typeof value) {
    case "bigint":
      return BigInt.prototype.toString.call(value);
    case "symbol":
    case "function":
      return undefined;
    default:
      return value;
  }
}

/**
 * One copier serves every call (an invocation copies its request headers and cf, so this is hot):
 * toPlain is never re-entered, as nothing it runs can reach it.
 */
class PlainCopier {
  private nodes = 0;
  /** The objects from the root to the one being copied: a cycle leads back to one of them. */
  private readonly ancestors: object[] = [];
  /** Keys from the root to the value being copied; joined only to name a problem. */
  private readonly path: (string | number)[] = [];
  private problems: Problems = [];

  start(value: object, problems: Problems): unknown {
    this.nodes = 0;
    this.ancestors.length = 0;
    this.path.length = 0;
    this.problems = problems;
    return this.copy(value, 0);
  }

  copy(value: unknown, depth: number): unknown {
    if (value === null || typeof value !== "object") return primitive(value);
    const object = value as object;
    if (++this.nodes > MAX_PLAIN_NODES) return this.cut(`more than ${MAX_PLAIN_NODES} values`);
    if (depth >= MAX_PLAIN_DEPTH) return this.cut(`nested deeper than ${MAX_PLAIN_DEPTH} levels`);
    if (this.ancestors.includes(object)) return "[Circular]";
    this.ancestors.push(object);
    try {
      return this.copyObject(object, depth);
    } catch (error) {
      return this.unreadable(error);
    } finally {
      this.ancestors.pop();
    }
  }

  private copyObject(object: object, depth: number): unknown {
    if (Array.isArray(object)) {
      const length = object.length;
      const out = new Array<unknown>(length);
      for (let i = 0; i < length; i++) out[i] = this.child(object, i, depth);
      return out;
    }
    // A plain object (the usual value) is none of the kinds below: their prototypes differ.
    const proto = Object.getPrototypeOf(object);
    const plain = proto === Object.prototype || proto === null;
    if (!plain && object instanceof Date) {
      const time = Date.prototype.getTime.call(object);
      return Number.isNaN(time) ? null : Date.prototype.toISOString.call(object);
    }
    if (!plain && object instanceof Map) {
      // Its pairs are a level of their own, which the depth check in copy does not see.
      if (depth + 1 >= MAX_PLAIN_DEPTH) return this.cut(`nested deeper than ${MAX_PLAIN_DEPTH} levels`);
      const pairs: unknown[] = [];
      Map.prototype.forEach.call(object, (v: unknown, k: unknown) => pairs.push([this.copy(k, depth + 2), this.copy(v, depth + 2)]));
      return pairs;
    }
    if (!plain && object instanceof Set) {
      const items: unknown[] = [];
      Set.prototype.forEach.call(object, (v: unknown) => items.push(this.copy(v, depth + 1)));
      return items;
    }
    if (!plain && typeof Headers === "function" && object instanceof Headers) {
      const out: Record<string, unknown> = {};
      Headers.prototype.forEach.call(object, (v: string, k: string) => setOwn(out, k, v));
      return out;
    }
    const out: Record<string, unknown> = {};
    const keys = !plain && object instanceof Error ? ["name", "message", "stack", ...Object.keys(object)] : Object.keys(object);
    for (const key of keys) {
      const v = this.child(object, key, depth);
      if (v === undefined) continue;
      if (key === "__proto__") setOwn(out, key, v);
      else out[key] = v;
    }
    return out;
  }

  /** One property, copied; a marker when its getter (or a Proxy trap) throws. */
  private child(object: object, key: string | number, depth: number): unknown {
    this.path.push(key);
    try {
      return this.copy((object as Record<string | number, unknown>)[key], depth + 1);
    } catch (error) {
      return this.unreadable(error);
    } finally {
      this.path.pop();
    }
  }

  private unreadable(error: unknown): string {
    const reason = errorMessage(error).slice(0, 200);
    noteProblem(this.problems, `${this.where()}: ${reason}`);
    return `[unreadable: ${reason}]`;
  }

  private cut(why: string): string {
    noteProblem(this.problems, `${this.where()}: ${why}, cut`);
    return `[cut: ${why}]`;
  }

  private where(): string {
    if (this.path.length === 0) return "value";
    return this.path
      .map((key) => (typeof key === "number" ? `[${key}]` : `.${key}`))
      .join("")
      .replace(/^\./, "")
      .slice(0, 100);
  }
}

const copier = new PlainCopier();
