import { describe, expect, it } from "vitest";
import { type CollectorStub, wrappedNamespace } from "./helpers/collector-namespace";
import { ingestInvocationsAt } from "./helpers/late-events";
import { queryWith } from "./helpers/query-events";

// A flush committing while /query runs, as the alarm firing mid-query would: just before or just
// after a shard answers the query its buffered events. Old events too: they sit buffered when
// invocations arrive late, R2 backs off or FLUSH_INTERVAL_SECONDS is long, and archive keys are
// dated by event time, so their flush writes into an hour long past. Each answer counts the five
// invocations once.

const MINUTE = 60_000;
const range = (from: number, to: number) => ({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
const flush = async (shard: CollectorStub) => {
  const report = await shard.flush();
  expect(report.errors).toEqual([]);
};

describe("/query while a flush of old events commits", () => {
  for (const [name, end] of [
    ["ending 20 minutes ago", 20 * MINUTE],
    ["ending now", 0],
  ] as const) {
    it(`counts events flushed just before their shard's buffer is read (range ${name})`, async () => {
      const ns = wrappedNamespace(`flush-race-before-${end}`, { beforeBufferedRead: flush });
      const now = Date.now();
      const type = `race_before_${end}`;
      await ingestInvocationsAt(ns, now - 150 * MINUTE, type);
      const answer = await queryWith(ns.env, {
        ...range(now - 240 * MINUTE, now - end),
        where: [{ field: "type", op: "eq", value: type }],
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.rows).toEqual([{ count: 5 }]);
      expect(answer.body.scanned.buffered).toBe(0);
    });
  }

  it("counts events flushed just after their shard's buffer is read once, though the listing shows their object too", async () => {
    const ns = wrappedNamespace("flush-race-after", { afterBufferedRead: flush });
    const now = Date.now();
    await ingestInvocationsAt(ns, now - 5 * MINUTE, "race_after");
    const answer = await queryWith(ns.env, { ...range(now - 10 * MINUTE, now), where: [{ field: "type", op: "eq", value: "race_after" }] });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.rows).toEqual([{ count: 5 }]);
    expect(answer.body.scanned.objects).toBeGreaterThan(0);
  });

  it("answers the events themselves, newest first, flushed just before their shard's buffer is read", async () => {
    const ns = wrappedNamespace("flush-race-events", { beforeBufferedRead: flush });
    const now = Date.now();
    await ingestInvocationsAt(ns, now - 150 * MINUTE, "race_events");
    const answer = await queryWith(ns.env, {
      ...range(now - 240 * MINUTE, now),
      select: "events",
      where: [{ field: "type", op: "eq", value: "race_events" }],
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.rows).toHaveLength(5);
    expect(new Set(answer.body.rows.map((event) => event.id)).size).toBe(5);
  });
});
