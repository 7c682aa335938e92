import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlertState } from "../collector-do/alerts/state/alert-state";
import { eventually, receiver } from "./helpers/alert-receiver";
import { alertEvents, alertHarness, alertsView, flushTap } from "./helpers/alerts";

// An absence rule fires for a group seen before and then silent for `for`, from the AlertState
// object's alarm (no event arrives to trigger it), and resolves once the group is seen again.

const heartbeat = (monitorId: string) => alertEvents(1, { type: "heartbeat", script: "uptime-monitor", data: { monitorId, status: "up" } });

describe("an absence rule", () => {
  it("fires when a group falls silent past its deadline, from the alarm, and resolves when it is seen again", async () => {
    const hook = receiver("absence");
    const rules = [
      {
        name: "missing-heartbeats",
        where: [{ field: "type", op: "eq", value: "heartbeat" }],
        groupBy: ["monitorId"],
        absent: { for: "5m" },
        notify: [hook.url],
      },
    ];
    const { shards, state } = await alertHarness("absence", rules, {
      shards: 2,
      intervalMs: 50,
      tweak: (rule) => (rule.kind === "absence" ? { ...rule, absentForMs: 2_000 } : rule),
    });
    await shards[0]!.ingest({ events: [...heartbeat("mon_a"), ...heartbeat("mon_b")] });
    await flushTap(shards[0]!);

    // The alarm is set for the first deadline: last seen + for.
    const view = await alertsView(state);
    const seen = view.rules[0]!.groups.map((g) => Date.parse(String(g.lastSeenAt)));
    expect(view.rules[0]!.groups.map((g) => g.state)).toEqual(["ok", "ok"]);
    const alarm = await runInDurableObject(state, (_instance: AlertState, ctx) => ctx.storage.getAlarm());
    expect(alarm).toBe(Math.min(...seen) + 2_000);

    // mon_b keeps beating (through the other shard); mon_a is silent.
    const firing = await eventually("mon_a firing", async () => {
      await shards[1]!.ingest({ events: heartbeat("mon_b") });
      await flushTap(shards[1]!);
      return (await hook.accepted()).find((n) => n.state === "firing");
    });
    expect(firing).toMatchObject({
      rule: "missing-heartbeats",
      kind: "absence",
      state: "firing",
      group: { monitorId: "mon_a" },
      count: 0,
      threshold: null,
      window: "5m",
    });
    // It fires from its deadline: `since` is last seen + for.
    expect(Date.parse(String(firing.since))).toBe(Date.parse(String(firing.lastSeenAt)) + 2_000);
    expect((firing.samples as { data: { monitorId: string } }[]).map((s) => s.data.monitorId)).toEqual(["mon_a"]);

    await shards[1]!.ingest({ events: heartbeat("mon_a") });
    await flushTap(shards[1]!);
    const resolved = await eventually("mon_a resolved", async () => (await hook.accepted()).find((n) => n.state === "resolved"));
    expect(resolved).toMatchObject({ group: { monitorId: "mon_a" }, state: "resolved", since: firing.since });
    // Events within `for` (counted in buckets of for/30, here 1 s of a 2 s window: the earlier beat may still count).
    expect(resolved.count).toBeGreaterThanOrEqual(1);
    expect((await hook.accepted()).map((n) => [n.state, (n.group as { monitorId: string }).monitorId])).toEqual([
      ["firing", "mon_a"],
      ["resolved", "mon_a"],
    ]);
  }, 30_000);
});
