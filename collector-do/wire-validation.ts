import type { IngestBatch, WireEvent } from "../schemas/collector-rpc";

/**
 * The collector trusts the shape of what its own tail worker sends only after this check: a
 * malformed entry is counted as rejected, never stored half-formed and never crashes the batch.
 */
export function acceptWireEvents(batch: IngestBatch): { events: WireEvent[]; rejected: number } {
  const input: unknown = batch?.events;
  if (!Array.isArray(input)) return { events: [], rejected: 0 };
  const events = input.filter(isWireEvent);
  return { events, rejected: input.length - events.length };
}

function isWireEvent(value: unknown): value is WireEvent {
  if (value === null || typeof value !== "object") return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.id === "string" &&
    e.id.length > 0 &&
    !e.id.includes(",") &&
    (e.importance === 0 || e.importance === 1 || e.importance === 2 || e.importance === 3) &&
    typeof e.timestamp === "number" &&
    typeof e.json === "string" &&
    e.json.startsWith("{") &&
    (e.namespace === null || typeof e.namespace === "string")
  );
}

/** The tail worker's counts riding along with a batch, keeping only well-formed numbers. */
export function acceptReport(batch: IngestBatch): { undelivered?: number; sampledOut?: Record<string, number> } {
  const report: { undelivered?: number; sampledOut?: Record<string, number> } = {};
  if (Number.isSafeInteger(batch?.undelivered) && batch.undelivered! > 0) report.undelivered = batch.undelivered;
  const sampledOut = batch?.sampledOut;
  if (sampledOut !== null && typeof sampledOut === "object") {
    const counts = Object.entries(sampledOut).filter(([, n]) => Number.isSafeInteger(n) && n > 0);
    if (counts.length > 0) report.sampledOut = Object.fromEntries(counts);
  }
  return report;
}
