import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readArchives, utcDate } from "./helpers/archive";
import { collector } from "./helpers/collector";
import { toWireEvents } from "./helpers/pipeline";
import { log, T0, traceItem } from "./helpers/trace-items";

// stats() (behind GET /stats) counts what the collector received and archived, by importance and
// by namespace, and what was kept as text. Fed with real TraceItems through parse and classify.
const item = traceItem({
  scriptName: "shop",
  logs: [
    log("log", JSON.stringify({ _event: "AI.Generation.completed", model: "llama-3", tokens: 1500 })), // NORMAL, AI
    log("log", { _event: "Connection.WebSocket.opened", connectionId: "ws-1" }), // LOW, Connection
    log("log", "hello from the shop"), // LOW, text
    log("log", '{"_event": "broken'), // LOW, text (broken JSON)
    log("warn", "retrying", { attempt: 2 }), // NORMAL, structured
    log("log", JSON.stringify({ _event: "Financial.Payment.completed", amount: 4200 })), // CRITICAL, Financial
  ],
});
// Plus the invocation event itself (LOW): 7 events.

describe("TailCollector.stats()", () => {
  it("counts received events by importance, by namespace, and those kept as text", async () => {
    const stub = collector("stats-received");
    const events = toWireEvents([item]);
    expect(events.map((e) => e.importance)).toEqual([3, 2, 3, 3, 3, 2, 0]);
    await stub.ingest({ events });

    const { counters, buffered } = await stub.stats();
    expect(counters).toMatchObject({
      received: 7,
      receivedByImportance: { CRITICAL: 1, HIGH: 0, NORMAL: 2, LOW: 4 },
      archived: 0,
      keptAsText: 2,
      byNamespace: { AI: 1, Connection: 1, Financial: 1 },
      objectsWritten: 0,
      lastFlushAt: null,
      lastError: null,
    });
    expect([buffered.CRITICAL.events, buffered.HIGH.events, buffered.NORMAL.events, buffered.LOW.events]).toEqual([1, 0, 2, 4]);
    expect(buffered.NORMAL.bytes).toBeGreaterThan(0);
    expect(buffered.HIGH.bytes).toBe(0);
  });

  it("counts archived events, objects and bytes after a flush", async () => {
    const stub = collector("stats-archived");
    await stub.ingest({ events: toWireEvents([item]) });
    const report = await stub.flush();

    const { counters } = await stub.stats();
    expect(counters).toMatchObject({
      received: 7,
      archived: 7,
      archivedByImportance: { CRITICAL: 1, HIGH: 0, NORMAL: 2, LOW: 4 },
      objectsWritten: 3,
      bytesWritten: report.bytes,
      lastError: null,
    });
    expect(Date.parse(counters.lastFlushAt!)).not.toBeNaN();

    const archives = await readArchives(env.ARCHIVE, `tail-events/${utcDate(T0)}/`);
    expect(counters.bytesWritten).toBe(archives.reduce((sum, a) => sum + a.size, 0));
  });

  it("counts a redelivered batch as duplicates, not as received twice", async () => {
    const stub = collector("stats-duplicates");
    const events = toWireEvents([item]);
    await stub.ingest({ events });
    expect(await stub.ingest({ events })).toMatchObject({ accepted: 0, duplicates: 7 });

    const { counters } = await stub.stats();
    expect(counters).toMatchObject({ received: 7, duplicates: 7, keptAsText: 2, byNamespace: { AI: 1, Connection: 1, Financial: 1 } });
  });
});
