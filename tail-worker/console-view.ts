import type { LogLevel } from "../schemas/config/config";
import type { Importance } from "../schemas/importance";
import type { ClassifiedEvent } from "./classify/classified-event";
import { DEFAULT_HANDLER, namespaceOf } from "./classify/namespaces";

/** Console level an event is printed at: the more important, the louder. */
const LEVEL_OF_IMPORTANCE: Record<Importance, LogLevel> = { 0: "error", 1: "warn", 2: "info", 3: "debug" };
/** The least important event printed at each LOG_LEVEL (importance numbers grow as events matter less). */
const PRINTED_UP_TO: Record<LogLevel, Importance> = { debug: 3, info: 2, warn: 1, error: 0 };

/**
 * The highest importance number LOG_LEVEL prints: the tail path compares an event's importance
 * with it and calls printEvent only for the events printed, so the others cost one comparison.
 */
export function printedImportance(logLevel: LogLevel): Importance {
  return PRINTED_UP_TO[logLevel];
}

/**
 * Prints an event for development visibility, e.g. `[DO.Lifecycle.created] id=abc-123 type=Agent`,
 * at the console level its importance maps to.
 */
export function printEvent(event: ClassifiedEvent): void {
  console[LEVEL_OF_IMPORTANCE[event.importance]](formatEventLine(event));
}

/**
 * The producer's values go in only as they are: an object's String() would run its toString,
 * which may throw or not be a function at all (`{"id":{"toString":1}}`).
 */
function shown(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    default:
      return undefined;
  }
}

function formatEventLine(event: ClassifiedEvent): string {
  const handler = namespaceOf(event.type) ?? DEFAULT_HANDLER;
  const data = event.data;
  const parts = [`[${event.type}]`];
  const id = shown(data.id ?? data.requestId ?? data.correlationId);
  if (id !== undefined) parts.push(`id=${id}`);
  for (const field of handler.summaryFields) {
    const value = data[field];
    if (/^duration/i.test(field) && typeof value === "number") parts.push(`${field.replace(/Ms$/, "")}=${value}ms`);
    else if (shown(value) !== undefined) parts.push(`${field}=${shown(value)}`);
  }
  if (event.kind === "invocation") {
    parts.push(`trigger=${shown(data.trigger)}`, `outcome=${shown(data.outcome)}`);
    if (data.url) parts.push(`${shown(data.method)} ${shown(data.url)}`);
    if (shown(data.status) !== undefined) parts.push(`status=${shown(data.status)}`);
  }
  if (event.kind === "exception") parts.push(`${shown(data.name)}: ${shown(data.message) ?? ""}`);
  if (event.text !== undefined && event.kind === "log") parts.push(event.text.slice(0, 200));
  return parts.join(" ");
}
