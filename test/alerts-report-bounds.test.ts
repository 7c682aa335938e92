import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MAX_GROUP_VALUE_CHARS } from "../collector-do/alerts/rule-matcher";
import type { TailCollector } from "../collector-do/tail-collector";
import { alertEvents, alertHarness, alertsView, flushTap } from "./helpers/alerts";

// What one collector's report carries stays bounded, and each event is counted once, whatever the events hold.
describe("alert reports", () => {
  it("cut group values, so that a rule grouped by whole payloads costs no rule its counts", async () => {
    const rules = [
      {
        name: "by-payload",
        where: [{ field: "type", op: "eq", value: "big" }],
        groupBy: ["data.payload"],
        threshold: 1_000_000,
        window: "5m",
      },
      { name: "all-big", where: [{ field: "type", op: "eq", value: "big" }], threshold: 1_000_000, window: "5m" },
    ];
    const { shards, state } = await alertHarness("report-bounds", rules, { intervalMs: 60_000 });
    const stub = shards[0]!;
    let total = 0;
    // 300 events of 100 KB, each its own group: uncut, one report would pass the 32 MiB RPC limit.
    for (let batch = 0; batch < 20; batch++) {
      const events = [];
      for (let i = 0; i < 15; i++)
        events.push(...alertEvents(1, { type: "big", data: { payload: `${batch}-${i}-${"p".repeat(100_000)}` } }));
      total += events.length;
      await stub.ingest({ events });
    }
    await flushTap(stub);
    const counts = await runInDurableObject(stub, (instance: TailCollector) => instance.alerts!.counts);
    expect(counts.droppedReports).toBe(0);
    const view = await alertsView(state);
    expect(view.rules.find((r) => r.name === "all-big")!.groups[0]!.count).toBe(total);
    const groups = view.rules.find((r) => r.name === "by-payload")!.groups;
    expect(groups.reduce((sum, g) => sum + g.count, 0)).toBe(total);
    for (const group of groups) expect(JSON.stringify(group.group).length).toBeLessThanOrEqual(MAX_GROUP_VALUE_CHARS + 32);
  }, 120_000);

  it("count each event of a group past the limit once in droppedGroups, for a rate rule too", async () => {
    const rules = [
      {
        name: "rate-many",
        where: [{ field: "type", op: "eq", value: "bad" }],
        of: [{ field: "kind", op: "eq", value: "log" }],
        rate: 0.5,
        threshold: 1_000_000,
        groupBy: ["script"],
        window: "5m",
      },
    ];
    const { shards, state } = await alertHarness("dropped-groups-rate", rules, { intervalMs: 50 });
    const first = [];
    for (let i = 0; i < 1000; i++) first.push(...alertEvents(1, { type: "bad", script: `s${i}` }));
    await shards[0]!.ingest({ events: first });
    await flushTap(shards[0]!);
    await shards[0]!.ingest({ events: alertEvents(3, { type: "bad", script: "s-extra" }) });
    await flushTap(shards[0]!);
    const view = await alertsView(state);
    expect(view.rules[0]!.groups.length).toBe(1000);
    expect(view.reports.droppedGroups).toBe(3);
  }, 60_000);
});
