import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { it } from "vitest";
import { AlertTap } from "../collector-do/alerts/alert-tap";
import type { AlertState } from "../collector-do/alerts/state/alert-state";
import type { TailCollector } from "../collector-do/tail-collector";
import { type AlertReport, alertState } from "../schemas/alert-rpc";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { toWireEvents } from "../tail-worker/tail-handler";
import { realisticInvocations } from "./realistic-mix";
import { report } from "./report";

/** The README's example rules (without destinations: delivery is not what is measured here). */
const README_RULES = [
  { name: "exceptions", where: [{ field: "kind", op: "eq", value: "exception" }], threshold: 1, window: "5m" },
  {
    name: "5xx-rate",
    where: [{ field: "status", op: "gte", value: 500 }],
    of: [{ field: "kind", op: "eq", value: "invocation" }],
    rate: 0.05,
    threshold: 5,
    window: "5m",
    groupBy: ["script"],
  },
  { name: "missing-heartbeats", where: [{ field: "type", op: "eq", value: "heartbeat" }], groupBy: ["monitorId"], absent: { for: "5m" } },
  {
    name: "critical-financial",
    where: [
      { field: "namespace", op: "eq", value: "Financial" },
      { field: "importance", op: "eq", value: 0 },
    ],
    threshold: 1,
    window: "1m",
  },
];

const SHARDS = 5;
const RUN_MS = 10_000;

const rowsWritten = (stub: DurableObjectStub<AlertState>) =>
  runInDurableObject(stub, (_instance: AlertState, state) => Number(state.storage.sql.exec("SELECT total_changes() AS n").one().n));

/**
 * Alerting at the documented capacity: the tap's CPU per event with the README's four rules over
 * the benchmark mix, then five collector shards ingesting that mix as fast as they can for 10 s
 * into one AlertState object: reports (DO requests) per shard per second, and the AlertState
 * object's SQLite rows written per second.
 */
it("alerting: tap CPU per event, reports per shard per second, AlertState rows written", async () => {
  const config = loadConfig({ ...env, ALERT_RULES: JSON.stringify(README_RULES) } as Env);
  const batches = realisticInvocations(3000, Date.UTC(2031, 7, 1)).map((item) => toWireEvents([item], config, Date.now()));
  const events = batches.reduce((sum, b) => sum + b.length, 0);

  // CPU: observe() alone, reports never sent (an interval longer than the run).
  const time = (rules: typeof config.alerts.rules) => {
    const tap = new AlertTap("bench", rules, async () => {}, 3_600_000);
    const start = performance.now();
    for (const batch of batches) tap.observe(batch);
    return ((performance.now() - start) * 1000) / events;
  };
  time(config.alerts.rules); // warm-up
  const tapUsPerEvent = Math.min(time(config.alerts.rules), time(config.alerts.rules), time(config.alerts.rules));
  const noRulesUsPerEvent = time([]);

  // Five shards reporting to one AlertState object, each with the real interval.
  const stateName = `bench-alerts-${crypto.randomUUID()}`;
  const state = alertState(env, stateName) as unknown as DurableObjectStub<AlertState>;
  await runInDurableObject(state, (instance: AlertState) => {
    instance.settings = config.alerts;
  });
  const reports: AlertReport[] = [];
  const shards: DurableObjectStub<TailCollector>[] = [];
  const taps: AlertTap[] = [];
  for (let i = 0; i < SHARDS; i++) {
    const shard = env.TAIL_COLLECTOR.get(
      env.TAIL_COLLECTOR.idFromName(`${stateName}-shard-${i}`),
    ) as unknown as DurableObjectStub<TailCollector>;
    taps.push(
      await runInDurableObject(shard, (instance: TailCollector, ctx) => {
        instance.alerts = new AlertTap(ctx.id.toString(), config.alerts.rules, (r) => {
          reports.push(r);
          return alertState(env, stateName).report(r);
        });
        return instance.alerts;
      }),
    );
    shards.push(shard);
  }
  const rowsBefore = await rowsWritten(state);
  const start = Date.now();
  let ingested = 0;
  await Promise.all(
    shards.map(async (shard, i) => {
      for (let n = i; Date.now() - start < RUN_MS; n += SHARDS) {
        const batch = batches[n % batches.length]!;
        await shard.ingest({ events: batch.map((e) => ({ ...e, id: `${e.id}-${n}` })) });
        ingested += batch.length;
      }
    }),
  );
  const seconds = (Date.now() - start) / 1000;
  const reportsInRun = reports.length;
  for (const [i, shard] of shards.entries()) await runInDurableObject(shard, () => taps[i]!.flush());
  const stateRows = (await rowsWritten(state)) - rowsBefore;
  const groups = reports.reduce((sum, r) => sum + r.rules.reduce((s, p) => s + p.groups.length, 0), 0);

  report("alerts", {
    rules: README_RULES.length,
    tapUsPerEvent,
    noRulesUsPerEvent,
    shards: SHARDS,
    seconds,
    eventsPerSecondPerShard: ingested / seconds / SHARDS,
    reportsPerShardPerSecond: reportsInRun / seconds / SHARDS,
    groupsPerReport: groups / reports.length,
    stateRowsWrittenPerSecond: stateRows / seconds,
    stateRowsWrittenPerReport: stateRows / reports.length,
  });
}, 120_000);
