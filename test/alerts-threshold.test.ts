import { describe, expect, it } from "vitest";
import type { WireEvent } from "../schemas/collector-rpc";
import type { AlertRule } from "../schemas/config/alert-rules";
import { eventually, receiver } from "./helpers/alert-receiver";
import { alertEvents, alertHarness, alertsView, type EventSpec, flushTap } from "./helpers/alerts";

// Threshold rules end to end: collectors count what they store, the AlertState object adds the
// shards up, fires and resolves, and a real HTTP receiver on loopback gets the notifications.

const exception: EventSpec = { type: "exception", kind: "exception", importance: 0, script: "checkout" };
/** Windows of seconds rather than minutes, so that a test sees a rule resolve. */
const shortWindow = (ms: number) => (rule: AlertRule) => (rule.kind === "threshold" ? { ...rule, windowMs: ms } : rule);

const withLevel = (event: WireEvent) => ({
  ...event,
  json: JSON.stringify({ ...JSON.parse(event.json), level: "error" }),
});

/** Waits until the receiver accepted `n` notifications; answers them. */
const acceptedCount = (hook: ReturnType<typeof receiver>, n: number) =>
  eventually(`${n} accepted notifications`, async () => {
    const accepted = await hook.accepted();
    return accepted.length >= n ? accepted : undefined;
  });

describe("a threshold rule", () => {
  it("fires once when crossed and resolves once when its window no longer holds enough", async () => {
    const hook = receiver("threshold-once");
    const rules = [
      { name: "exceptions", where: [{ field: "kind", op: "eq", value: "exception" }], threshold: 3, window: "1m", notify: [hook.url] },
    ];
    const { shards } = await alertHarness("threshold-once", rules, { intervalMs: 50, tweak: shortWindow(3_000) });
    const [shard] = shards;

    await shard!.ingest({ events: alertEvents(2, exception) });
    await shard!.ingest({ events: alertEvents(1, { ...exception, kind: "log", type: "console.log" }) });
    await shard!.ingest({ events: alertEvents(1, exception) });

    const [firing] = await eventually("the firing notification", async () => {
      const accepted = await hook.accepted();
      return accepted.length > 0 ? accepted : undefined;
    });
    expect(firing).toMatchObject({
      rule: "exceptions",
      kind: "threshold",
      state: "firing",
      group: {},
      count: 3,
      threshold: 3,
      window: "1m",
      repeat: 0,
    });
    expect(firing!.dashboard).toBe("https://do-tail.example/#alerts-panel");
    expect((firing!.samples as { type: string }[]).map((s) => s.type)).toEqual(["exception", "exception", "exception"]);
    expect(Date.parse(String(firing!.since))).toBeLessThanOrEqual(Date.parse(String(firing!.at)));

    const resolved = await eventually("the resolved notification", async () => (await hook.accepted()).find((n) => n.state === "resolved"));
    expect(resolved).toMatchObject({ rule: "exceptions", state: "resolved", since: firing!.since });
    expect(resolved.count).toBeLessThan(3);

    // The group is forgotten once its window is empty; nothing else is sent on the way.
    await new Promise((r) => setTimeout(r, 4_000));
    expect((await hook.accepted()).map((n) => n.state)).toEqual(["firing", "resolved"]);
  }, 30_000);

  it("counts events by their sampleRate", async () => {
    const hook = receiver("threshold-weighted");
    const rules = [
      { name: "weighted", where: [{ field: "type", op: "eq", value: "payment_failed" }], threshold: 10, window: "5m", notify: [hook.url] },
    ];
    const { shards } = await alertHarness("threshold-weighted", rules, { intervalMs: 50 });
    await shards[0]!.ingest({ events: alertEvents(2, { type: "payment_failed", sampleRate: 4 }) });
    await shards[0]!.ingest({ events: alertEvents(1, { type: "payment_failed", sampleRate: 2 }) });
    const [firing] = await eventually("the firing notification", async () => {
      const accepted = await hook.accepted();
      return accepted.length > 0 ? accepted : undefined;
    });
    expect(firing).toMatchObject({ state: "firing", count: 10 });
  });

  it("fires once per group that crosses it", async () => {
    const hook = receiver("threshold-grouped");
    const rules = [
      {
        name: "errors-by-script",
        where: [{ field: "level", op: "eq", value: "error" }],
        groupBy: ["script"],
        threshold: 3,
        window: "5m",
        notify: [hook.url],
      },
    ];
    const { shards } = await alertHarness("threshold-grouped", rules, { intervalMs: 50 });
    const errors = (script: string, n: number) => alertEvents(n, { type: "console.error", script, data: {} }).map(withLevel);
    await shards[0]!.ingest({ events: [...errors("checkout", 3), ...errors("search", 1), ...errors("billing", 2)] });
    await shards[0]!.ingest({ events: [...errors("billing", 1), ...errors("search", 1)] });
    await flushTap(shards[0]!);

    const accepted = await acceptedCount(hook, 2);
    await new Promise((r) => setTimeout(r, 1_500));
    const all = await hook.accepted();
    expect(all).toHaveLength(2);
    expect(all.map((n) => (n.group as { script: string }).script).sort()).toEqual(["billing", "checkout"]);
    expect(all.map((n) => n.group)).toContainEqual({ script: "billing" });
    expect(accepted.every((n) => n.state === "firing" && n.count === 3)).toBe(true);
    const samples = accepted.find((n) => (n.group as { script: string }).script === "billing")!.samples as { script: string }[];
    expect(samples.map((s) => s.script)).toEqual(["billing", "billing", "billing"]);
  }, 30_000);

  it("fires on an error rate: the share of the `of` events that match `where`, per group", async () => {
    const hook = receiver("threshold-rate");
    const rules = [
      {
        name: "5xx-rate",
        where: [{ field: "status", op: "gte", value: 500 }],
        of: [{ field: "kind", op: "eq", value: "invocation" }],
        rate: 0.05,
        threshold: 2,
        groupBy: ["script"],
        window: "5m",
        notify: [hook.url],
      },
    ];
    const { shards } = await alertHarness("threshold-rate", rules, { intervalMs: 50 });
    const invocations = (script: string, status: number, n: number) =>
      alertEvents(n, { type: "invocation", kind: "invocation", script, data: { status, outcome: "ok" } });
    // checkout: 6 of 60 invocations failed (10 %); search: 2 of 100 (2 %); billing: 1 of 4 (25 %) but
    // below the 2 events a rate rule needs; logs with a status never count.
    await shards[0]!.ingest({ events: [...invocations("checkout", 200, 54), ...invocations("checkout", 503, 6)] });
    await shards[0]!.ingest({ events: [...invocations("search", 200, 98), ...invocations("search", 500, 2)] });
    await shards[0]!.ingest({ events: [...invocations("billing", 200, 3), ...invocations("billing", 500, 1)] });
    await shards[0]!.ingest({ events: alertEvents(50, { type: "log", script: "search", data: { status: 500 } }) });
    await flushTap(shards[0]!);

    const [firing] = await acceptedCount(hook, 1);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await hook.accepted()).toHaveLength(1);
    expect(firing).toMatchObject({
      rule: "5xx-rate",
      state: "firing",
      group: { script: "checkout" },
      count: 6,
      of: 60,
      rate: 0.1,
      threshold: 2,
      rateThreshold: 0.05,
    });
    expect((firing!.samples as { data: { status: number } }[]).every((s) => s.data.status === 503)).toBe(true);
  }, 30_000);

  it("adds up the counts of every collector shard", async () => {
    const hook = receiver("threshold-shards");
    const rules = [
      {
        name: "financial",
        where: [{ field: "type", op: "eq", value: "Financial.refund" }],
        threshold: 10,
        window: "5m",
        notify: [hook.url],
      },
    ];
    const { shards, state } = await alertHarness("threshold-shards", rules, { shards: 4, intervalMs: 50 });
    // 3 on each of 4 shards: no shard alone reaches 10.
    for (const shard of shards) await shard.ingest({ events: alertEvents(3, { type: "Financial.refund", importance: 0 }) });
    for (const shard of shards) await flushTap(shard);

    const [firing] = await acceptedCount(hook, 1);
    expect(firing).toMatchObject({ rule: "financial", state: "firing" });
    expect(firing!.count).toBeGreaterThanOrEqual(10);
    const view = await alertsView(state);
    expect(view.rules[0]!.groups).toMatchObject([{ state: "firing", count: 12 }]);
    expect(view.reports.received).toBe(4);
  }, 30_000);

  it("repeats a still-firing alert every `repeat`, each with its own id", async () => {
    const hook = receiver("threshold-repeat");
    const rules = [
      {
        name: "repeating",
        where: [{ field: "type", op: "eq", value: "disk_full" }],
        threshold: 1,
        window: "1h",
        repeat: "1m",
        notify: [hook.url],
      },
    ];
    const { shards } = await alertHarness("threshold-repeat", rules, { intervalMs: 50, tweak: (rule) => ({ ...rule, repeatMs: 1_500 }) });
    await shards[0]!.ingest({ events: alertEvents(1, { type: "disk_full" }) });

    const notifications = await acceptedCount(hook, 3);
    expect(notifications.slice(0, 3).map((n) => [n.state, n.repeat])).toEqual([
      ["firing", 0],
      ["firing", 1],
      ["firing", 2],
    ]);
    expect(new Set(notifications.map((n) => n.id)).size).toBe(notifications.length);
    expect(new Set(notifications.map((n) => n.since)).size).toBe(1);
  }, 30_000);
});
