import { describe, expect, it } from "vitest";
import { eventually, receiver } from "./helpers/alert-receiver";
import { alertEvents, alertHarness, type EventSpec } from "./helpers/alerts";

// Threshold rules end to end: collectors count what they store, the AlertState object adds the
// shards up, fires and resolves, and a real HTTP receiver on loopback gets the notifications.

const exception: EventSpec = { type: "exception", kind: "exception", importance: 0, script: "checkout" };
/** Windows of seconds rather than minutes, so that a test sees a rule resolve. */
const shortWindow = (ms: number) => (rule: import("../schemas/config/alert-rules").AlertRule) =>
  rule.kind === "threshold" ? { ...rule, windowMs: ms } : rule;

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
    expect(firing!.dashboard).toBe("https://do-tail.example/#alerts");
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
});
