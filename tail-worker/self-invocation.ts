import { isPlainObject } from "./parse/values";

/** do-tail's own Worker name, as in wrangler.tail.toml. */
const SELF_SCRIPT_NAME = "do-tail";

/**
 * True for do-tail's own invocations, should it ever be made a producer of itself: tailing them
 * would form a loop (each tail() producing a TraceItem that triggers another). Locally scriptName
 * is null, so there a tail-triggered item is taken to be our own.
 */
export function isOwnInvocation(item: unknown): boolean {
  if (!isPlainObject(item)) return false;
  if (item.scriptName === SELF_SCRIPT_NAME) return true;
  return item.scriptName == null && isPlainObject(item.event) && "consumedEvents" in item.event;
}
