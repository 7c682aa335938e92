import type { LogLevel } from "../schemas/config/config";
import type { Importance } from "../schemas/importance";
import type { ClassifiedEvent } from "./classify/classified-event";
import { DEFAULT_HANDLER, namespaceOf } from "./classify/namespaces";

/** Console level an event is printed at: the more important, the louder. */
const LEVEL_OF_IMPORTANCE: Record<Importance, LogLevel> = { 0: "error", 1: "warn", 2: "info", 3: "debug" };
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * Prints events for development visibility, e.g. `[DO.Lifecycle.created] id=abc-123 type=Agent`.
 * Only events at or above LOG_LEVEL are printed.
 */
export function printEvent(event: ClassifiedEvent, logLevel: LogLevel): void {
  const level = LEVEL_OF_IMPORTANCE[event.importance];
  if (RANK[level] < RANK[logLevel]) return;
  console[level](formatEventLine(event));
}

function formatEventLine(event: ClassifiedEvent): string {
  const handler = namespaceOf(event.type) ?? DEFAULT_HANDLER;
  const parts = [`[${event.type}]`];
  const id = event.data.id ?? event.data.requestId ?? event.data.correlationId;
  if (id !== undefined) parts.push(`id=${String(id)}`);
  for (const field of handler.summaryFields) {
    const value = event.data[field];
    if (value === undefined || value === null || typeof value === "object") continue;
    parts.push(
      /^duration/i.test(field) && typeof value === "number" ? `${field.replace(/Ms$/, "")}=${value}ms` : `${field}=${String(value)}`,
    );
  }
  if (event.kind === "invocation") parts.push(...invocationSummary(event.data));
  if (event.kind === "exception") parts.push(`${String(event.data.name)}: ${String(event.data.message)}`);
  if (event.text !== undefined && event.kind === "log") parts.push(event.text.slice(0, 200));
  return parts.join(" ");
}

function invocationSummary(data: Record<string, unknown>): string[] {
  const parts = [`trigger=${String(data.trigger)}`, `outcome=${String(data.outcome)}`];
  if (data.url) parts.push(`${String(data.method)} ${String(data.url)}`);
  if (data.status !== null && data.status !== undefined) parts.push(`status=${String(data.status)}`);
  return parts;
}
