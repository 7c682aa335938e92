import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AlertTap } from "../collector-do/alerts/alert-tap";
import type { TailCollector } from "../collector-do/tail-collector";
import type { AlertReport } from "../schemas/alert-rpc";
import type { WireEvent } from "../schemas/collector-rpc";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { eventually } from "./helpers/alert-receiver";
import { alertEvents, alertHarness, alertsView } from "./helpers/alerts";
import { collector } from "./helpers/collector";

// The collector's side: counting happens in memory after a batch is stored, reports leave in
// the background at most once per interval, and nothing about alerting can delay or fail an ingest.

const rules = loadConfig({
  ...env,
  ALERT_RULES: JSON.stringify([
    { name: "errors", where: [{ field: "importance", op: "lte", value: 1 }], groupBy: ["script"], threshold: 5, window: "5m" },
  ]),
} as Env).alerts.rules;

/** A fresh collector whose tap has these rules and this sender (retries 10-20 ms apart). */
async function tapped(name: string, send: (report: AlertReport) => Promise<void>, intervalMs?: number) {
  const stub = collector(name);
  const tap = await runInDurableObject(stub, (instance: TailCollector, ctx) => {
    instance.alerts = new AlertTap(ctx.id.toString(), rules, send, intervalMs, { attempts: 3, baseDelayMs: 10, maxDelayMs: 20 });
    return instance.alerts;
  });
  return { stub, tap };
}

describe("the collector's alert tap", () => {
  it("does no work per event when there is no rule", async () => {
    let touched = 0;
    const watched = (event: WireEvent) =>
      new Proxy(event, {
        get(target, property, receiver) {
          touched++;
          return Reflect.get(target, property, receiver);
        },
      });
    const tap = new AlertTap("no-rules", [], async () => {
      throw new Error("no report expected");
    });
    // The collector does not even call it (a stored-events observer that wants no events)…
    expect(tap.wantsEvents).toBe(false);
    // …and called anyway, it reads nothing.
    tap.observe(alertEvents(1_000, { importance: 0 }).map(watched));
    expect(touched).toBe(0);
    expect(tap.counts).toEqual({ reports: 0, retries: 0, droppedReports: 0, errors: 0 });
  });

  it("never holds or fails an ingest, whatever the AlertState object does", async () => {
    const hanging = await tapped("tap-hanging", () => new Promise<void>(() => {}), 0);
    const failing = await tapped(
      "tap-failing",
      async () => {
        throw new Error("AlertState is overloaded");
      },
      0,
    );
    for (const { stub } of [hanging, failing]) {
      for (let i = 0; i < 5; i++) {
        expect(await stub.ingest({ events: alertEvents(3, { importance: 0 }) })).toEqual({ accepted: 3, duplicates: 0, shed: 0 });
      }
      expect((await stub.stats()).counters.received).toBe(15);
    }
    // The failing sender was retried, then the report dropped and logged; the hanging one still waits.
    await runInDurableObject(failing.stub, () => failing.tap.flush());
    expect(failing.tap.counts.droppedReports).toBeGreaterThan(0);
    expect(failing.tap.counts.retries).toBe(failing.tap.counts.droppedReports * 2);
  });

  it("coalesces many ingest calls into few reports: the first at once, the rest per interval", async () => {
    const reports: AlertReport[] = [];
    const { stub, tap } = await tapped(
      "tap-coalescing",
      async (report) => {
        reports.push(report);
      },
      60_000,
    );
    // The first report leaves without waiting for the interval…
    await stub.ingest({ events: alertEvents(1, { importance: 1, script: "a" }) });
    await eventually("the first report", async () => (reports.length === 1 ? true : undefined));
    // …then 19 more calls within the 60 s interval make one more report.
    for (let i = 1; i < 20; i++) await stub.ingest({ events: alertEvents(1, { importance: 1, script: i % 2 === 0 ? "a" : "b" }) });
    expect(reports).toHaveLength(1);
    await runInDurableObject(stub, () => tap.flush());
    expect(reports).toHaveLength(2);
    expect(reports.map((r) => r.seq)).toEqual([1, 2]);
    const total = reports.flatMap((r) => r.rules.flatMap((p) => p.groups.map((g) => g.count))).reduce((a, b) => a + b, 0);
    expect(total).toBe(20);
    expect(reports[0]!.rules[0]!.groups).toMatchObject([{ values: ["a"], count: 1 }]);
    expect(reports[1]!.rules[0]!.groups.map((g) => [g.values[0], g.count]).sort()).toEqual([
      ["a", 9],
      ["b", 10],
    ]);
  });

  it("reports while ingest calls keep arriving, not only when the object is idle", async () => {
    const reports: AlertReport[] = [];
    const { stub } = await tapped(
      "tap-busy",
      async (report) => {
        reports.push(report);
      },
      200,
    );
    // A busy object has been seen to run no timer callback between requests: reports must still go.
    const deadline = Date.now() + 20_000;
    while (reports.length < 3 && Date.now() < deadline) await stub.ingest({ events: alertEvents(1, { importance: 0 }) });
    expect(reports.length).toBeGreaterThanOrEqual(3);
    expect(reports.map((r) => r.seq).slice(0, 3)).toEqual([1, 2, 3]);
  }, 30_000);

  it("applies a retried report once", async () => {
    const { state, settings } = await alertHarness("tap-retried-report", [
      { name: "errors", where: [{ field: "importance", op: "lte", value: 1 }], threshold: 100, window: "5m" },
    ]);
    expect(settings.rules).toHaveLength(1);
    const report: AlertReport = {
      shard: "shard-x",
      incarnation: "i-1",
      seq: 7,
      rules: [{ rule: "errors", droppedGroups: 0, groups: [{ key: "[]", values: [], count: 4, of: 0, samples: [] }] }],
    };
    await state.report(report);
    await state.report(report);
    await state.report({ ...report, seq: 8 });
    const view = await alertsView(state);
    expect(view.rules[0]!.groups).toMatchObject([{ state: "pending", count: 8 }]);
    expect(view.reports).toMatchObject({ received: 3, duplicates: 1 });
  });
});
