import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlertState } from "../collector-do/alerts/state/alert-state";
import type { AlertReport } from "../schemas/alert-rpc";
import { alertHarness, alertsView } from "./helpers/alerts";

// The AlertState object writes counts by checkpoint, not per report: a group touched by many
// reports is one row written per checkpoint, and an eviction loses at most the counts since it.

const rules = [{ name: "errors", where: [{ field: "importance", op: "lte", value: 1 }], threshold: 1_000, window: "5m" }];
let seq = 0;
const reportOf = (count: number): AlertReport => ({
  shard: "shard-1",
  incarnation: "i",
  seq: ++seq,
  rules: [{ rule: "errors", droppedGroups: 0, groups: [{ key: "[]", values: [], count, of: 0, samples: [] }] }],
});

const rowsWritten = (state: DurableObjectStub<AlertState>) =>
  runInDurableObject(state, (_instance: AlertState, ctx) => Number(ctx.storage.sql.exec("SELECT total_changes() AS n").one().n));

describe("AlertState checkpoints", () => {
  it("writes a group once per checkpoint, however many reports touch it, and keeps what was checkpointed across an eviction", async () => {
    const { state, configure } = await alertHarness("state-checkpoints", rules);
    await state.report(reportOf(1)); // the first report after start is checkpointed at once
    const before = await rowsWritten(state);
    for (let i = 0; i < 20; i++) await state.report(reportOf(1));
    // No group row: only the alarm, moved once to the checkpoint time (setAlarm is a row written).
    expect((await rowsWritten(state)) - before).toBe(1);
    expect((await alertsView(state)).rules[0]!.groups[0]!.count).toBe(21);

    // The alarm is set for the checkpoint; running it writes the group: one row.
    expect(await runDurableObjectAlarm(state)).toBe(true);
    const stored = await runInDurableObject(state, (_instance: AlertState, ctx) =>
      ctx.storage.sql.exec<{ buckets: string }>("SELECT buckets FROM alert_groups WHERE rule = 'errors'").toArray(),
    );
    expect(stored.map((row) => (JSON.parse(row.buckets) as number[][]).reduce((sum, b) => sum + b[1]!, 0))).toEqual([21]);

    await state.report(reportOf(5)); // after the checkpoint, before the next one
    await evictDurableObject(state);
    await configure();
    // What was checkpointed survives; the last report's 5 are the documented loss.
    expect((await alertsView(state)).rules[0]!.groups[0]!.count).toBe(21);
  });

  it("deletes the groups of a rule removed from ALERT_RULES, after a restart", async () => {
    const { state, settings } = await alertHarness("state-removed-rule", [...rules, { ...rules[0], name: "gone" }]);
    await state.report({ ...reportOf(1), rules: ["errors", "gone"].map((rule) => ({ ...reportOf(1).rules[0]!, rule })) });
    const storedRules = () =>
      runInDurableObject(state, (_instance: AlertState, ctx) =>
        ctx.storage.sql
          .exec<{ rule: string }>("SELECT rule FROM alert_groups ORDER BY rule")
          .toArray()
          .map((row) => row.rule),
      );
    expect(await storedRules()).toEqual(["errors", "gone"]);

    await evictDurableObject(state);
    await runInDurableObject(state, (instance: AlertState) => {
      instance.settings = { ...settings, rules: settings.rules.filter((rule) => rule.name !== "gone") };
    });
    await state.report(reportOf(1));
    expect(await storedRules()).toEqual(["errors"]);
    expect((await alertsView(state)).rules.map((rule) => rule.name)).toEqual(["errors"]);
  });
});
