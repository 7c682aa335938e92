import { expect } from "vitest";
import { handleTail } from "../../tail-worker/tail-handler";
import type { WrappedNamespace } from "./collector-namespace";
import { logAt, traceItem } from "./trace-items";

/**
 * Five invocations stamped `at`, each logging one `{_event: type}` line, stored by the collectors
 * of `ns`: events that arrive late, as they sit in a buffer when invocations come in long after
 * they ran or flushes wait (R2 backing off, a long FLUSH_INTERVAL_SECONDS).
 */
export async function ingestInvocationsAt(ns: WrappedNamespace, at: number, type: string): Promise<void> {
  const items = Array.from({ length: 5 }, () =>
    traceItem({ eventTimestamp: at, logs: [logAt(at + 1, "log", JSON.stringify({ _event: type }))] }),
  );
  const summary = await handleTail(items, ns.env);
  expect(summary.undelivered).toBe(0);
}
