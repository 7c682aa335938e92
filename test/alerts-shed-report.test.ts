import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { alertHarness, alertsView, flushTap } from "./helpers/alerts";
import { injectBucketFaults, overrideCollectorConfig, testDay } from "./helpers/collector";
import { archivedIds, wireEvents } from "./helpers/wire-events";

const SIZE = 500;

// The event a collector archives to say what overflow shed is an event like any other: an alert
// rule on it fires, which is how a team hears of overflow.
describe("the shed report", () => {
  it("reaches an alert rule on do_tail.events_shed", async () => {
    const rules = [{ name: "shed-seen", where: [{ field: "type", op: "eq", value: "do_tail.events_shed" }], threshold: 1, window: "5m" }];
    const { shards, state } = await alertHarness("shed-report", rules, { intervalMs: 50 });
    const stub = shards[0]!;
    const { timestamp } = testDay(904);
    await overrideCollectorConfig(stub, (c) => ({ ...c, bufferCaps: { ...c.bufferCaps, 3: SIZE * 3 } }));
    // R2 fails, LOW overflows its cap and is shed; once R2 works the report is archived.
    await injectBucketFaults(stub, { failBeforeWrite: 10 });
    const { shed } = await stub.ingest({ events: wireEvents(7, { importance: 3, timestamp, bytes: SIZE }) });
    expect(shed).toBe(4);
    expect((await stub.flush()).errors.length).toBeGreaterThan(0);
    await injectBucketFaults(stub, {});
    await stub.flush();
    await stub.flush();
    const today = new Date().toISOString().slice(0, 10);
    expect((await archivedIds(env.ARCHIVE, `tail-events/${today}/importance-1/`)).some((id) => id.startsWith("do-tail-shed-"))).toBe(true);
    await flushTap(stub);
    const view = await alertsView(state);
    expect(view.rules[0]!.groups).toMatchObject([{ state: "firing" }]);
  }, 30_000);
});
