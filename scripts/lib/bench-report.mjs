import { cpus, totalmem } from "node:os";

/** List prices from shared/PLATFORM.md, dollars per unit. */
const PRICE = {
  doRequest: 0.15 / 1e6,
  rowWritten: 1.0 / 1e6,
  r2ClassA: 4.5 / 1e6,
  r2ClassB: 0.36 / 1e6,
  /** Basin Pipelines sink writing Parquet (a Basin Catalog table), per GB past the first 50. */
  basinSinkParquetGB: 0.06,
  dataPoint: 0.25 / 1e6,
  workersLogsLine: 0.6 / 1e6,
  workersLogsGB: 0.25,
  logpushInvocation: 0.05 / 1e6,
};

/** The archive's events average about this many bytes: what Workers Logs would bill per GB. */
const EVENT_BYTES = 700;

/** Targets of issue 13 at 500 ingest calls/s into one shard, by events per invocation. */
const COST_TARGETS = { 10: 0.03, 2: 0.12 };

const MILLION = 1e6;
const MiB = 2 ** 20;
const money = (x) => `$${x.toFixed(3)}`;
const fixed = (x, digits = 2) => Number(x).toFixed(digits);
const signed = (x) => `${x < 0 ? "−" : "+"}${Math.abs(x).toFixed(4)}`;

/** Dollars per million events for this design and for the naive one (a call and a row per event). */
export function costs(collector) {
  const doRequests = (collector.collectorCallsPerTailInvocation / collector.eventsPerInvocation) * MILLION * PRICE.doRequest;
  const rows = collector.rowsWrittenPerEvent * MILLION * PRICE.rowWritten;
  const r2 = collector.r2ClassAPerMillionEvents * PRICE.r2ClassA;
  const naive = MILLION * PRICE.doRequest + 2 * MILLION * PRICE.rowWritten + r2;
  return {
    doRequests,
    rows,
    r2,
    design: doRequests + rows + r2,
    naive,
    analyticsEngine: collector.dataPointsPerEvent * MILLION * PRICE.dataPoint,
    workersLogs: MILLION * PRICE.workersLogsLine,
    workersLogsByGB: ((MILLION * EVENT_BYTES) / 1e9) * PRICE.workersLogsGB,
    logpush10: (MILLION / 10) * PRICE.logpushInvocation,
    logpush2: (MILLION / 2) * PRICE.logpushInvocation,
  };
}

/** Dollars per million events of one concurrency run: DO requests (ingest calls and alarms), rows, R2. */
export function concurrencyCost(run) {
  const doRequests = run.requestsPerEvent * MILLION * PRICE.doRequest;
  const rows = run.rowsWrittenPerEvent * MILLION * PRICE.rowWritten;
  const r2 = run.r2ClassAPerMillionEvents * PRICE.r2ClassA;
  return { doRequests, rows, r2, total: doRequests + rows + r2 };
}

/**
 * What delivery to Basin adds to the same run without it: per event, and in dollars per million
 * events. Rows are compared without the groups' buffer rows, which vary with how calls happened to
 * group and owe nothing to Basin.
 */
export function basinAdded(run, base) {
  const rows = run.bookkeepingRowsPerEvent - base.bookkeepingRowsPerEvent;
  const requests = run.requestsPerEvent - base.requestsPerEvent;
  const collector =
    rows * MILLION * PRICE.rowWritten + requests * MILLION * PRICE.doRequest + run.r2ClassBPerMillionEvents * PRICE.r2ClassB;
  // Every archived event becomes one record; a run ends with some events still buffered, unsent.
  const sink = ((MILLION * run.basinBytesPerEvent) / 1e9) * PRICE.basinSinkParquetGB;
  return { rows, requests, collector, sink };
}

function basinRow(run, base) {
  const added = basinAdded(run, base);
  return [
    `Basin delivery on: ${run.mix}, ${run.rate} ingest calls/s into one shard, against the same run without it: added rows and DO requests per event, R2 reads and sends per million events, record size, cost per million events`,
    [
      `${signed(added.rows)} rows, ${signed(added.requests)} requests per event`,
      `${Math.round(run.r2ClassBPerMillionEvents)} R2 GETs, ${Math.round(run.basinSendsPerMillionEvents)} sends per million events`,
      `records of ${Math.round(run.basinBytesPerEvent)} bytes`,
      `collector ${signed(added.collector).replace(/^(.)/, "$1$")}; Basin's sink (Parquet, past 50 GB) ${money(added.sink)}`,
    ].join("; "),
    "",
    "",
  ];
}

/** One table row per mix and rate of bench/collector-concurrency.bench.ts, then the floor at 500 calls/s, then Basin's share. */
function concurrencyRows(allRuns) {
  const runs = allRuns.filter((run) => !run.basin);
  const basinRows = allRuns
    .filter((run) => run.basin)
    .flatMap((run) => {
      const base = runs.find((r) => r.mix === run.mix && r.rate === run.rate);
      return base ? [basinRow(run, base)] : [];
    });
  const floors = runs
    .filter((run) => run.rate === 500)
    .map((run) => {
      const cost = concurrencyCost(run);
      const floor = cost.doRequests + run.bookkeepingRowsPerEvent * MILLION * PRICE.rowWritten + cost.r2;
      return `${run.mix}: ${money(floor)} (${money(cost.doRequests)} requests, ${money(run.bookkeepingRowsPerEvent * MILLION * PRICE.rowWritten)} flush rows and alarms, ${money(cost.r2)} R2)`;
    });
  const rows = runs.map((run) => {
    const cost = concurrencyCost(run);
    const perInvocation = Math.round(run.eventsPerInvocation);
    const target = run.rate === 500 ? COST_TARGETS[perInvocation] : undefined;
    const kept = run.achievedRate >= 0.9 * run.rate;
    const measured = [
      `${fixed(run.rowsWrittenPerEvent, 4)} rows, ${fixed(run.requestsPerEvent, 3)} requests per event`,
      `ack p50 ${Math.round(run.ackP50Ms)} ms, p99 ${Math.round(run.ackP99Ms)} ms`,
      `${fixed(run.callsPerGroup, 1)} calls per row`,
      `${money(cost.total)} (${money(cost.doRequests)} requests + ${money(cost.rows)} rows + ${money(cost.r2)} R2)`,
      ...(kept ? [] : [`machine kept up with ${Math.round(run.achievedRate)} calls/s only`]),
    ].join("; ");
    return [
      `${run.mix}, ${run.rate} ingest calls/s into one shard: rows and DO requests per event, acknowledgement latency, cost per million events`,
      measured,
      target === undefined ? "" : `≤ ${money(target)}`,
      target === undefined ? "" : !kept ? "not measured" : cost.total <= target ? "met" : "not met",
    ];
  });
  if (floors.length === 0) return [...rows, ...basinRows];
  return [
    ...rows,
    [
      "Floor of the design at 500 calls/s: everything but the groups' rows, which a longer linger divides further",
      floors.join("; "),
      "",
      "",
    ],
    ...basinRows,
  ];
}

const SECONDS_PER_MONTH = 2_592_000;

/** Alerting's rows: the tap's CPU, reports per shard, the AlertState object's writes and their monthly cost at 5 shards. */
function alertRows(alerts) {
  if (!alerts) return [["Alerting (bench/alerts.bench.ts)", "not run", "", ""]];
  const requestsPerMonth = alerts.reportsPerShardPerSecond * alerts.shards * SECONDS_PER_MONTH;
  const rowsPerMonth = alerts.stateRowsWrittenPerSecond * SECONDS_PER_MONTH;
  return [
    [
      `Alert tap CPU per event, ${alerts.rules} README rules (no rules: ${fixed(alerts.noRulesUsPerEvent)} µs)`,
      `${fixed(alerts.tapUsPerEvent)} µs`,
      "",
      "",
    ],
    [
      "Alert reports (AlertState DO requests) per collector shard per second, under continuous matches",
      fixed(alerts.reportsPerShardPerSecond),
      "≤ 1 (one per 2 s)",
      alerts.reportsPerShardPerSecond <= 1 ? "met" : "not met",
    ],
    [
      `AlertState SQLite rows written per second (${alerts.shards} shards, ${fixed(alerts.groupsPerReport, 1)} groups per report)`,
      fixed(alerts.stateRowsWrittenPerSecond),
      "",
      "",
    ],
    [
      `Alerting cost a month at ${alerts.shards} shards (DO requests + AlertState rows)`,
      `${money(requestsPerMonth * PRICE.doRequest)} + ${money(rowsPerMonth * PRICE.rowWritten)}`,
      "",
      "",
    ],
  ];
}

/** The benchmark table (Markdown) from the figures of one run. */
export function benchTable({ tail, collector, flushes, memory, e2e, concurrency = [], objectBounds = [], queries, alerts, live }) {
  const cost = costs(collector);
  const rows = [
    [
      "Tail path CPU per event as deployed, one bundle as wrangler builds it (parse, redact, classify, validate, sample, serialise)",
      `${fixed(tail.tailUsPerEvent)} µs`,
      "",
      "",
    ],
    ["The same code loaded one module at a time, as the tests load it (for comparison)", `${fixed(tail.modulesUsPerEvent)} µs`, "", ""],
    ["Floor: JSON.parse of each log + JSON.stringify of each output event", `${fixed(tail.floorUsPerEvent)} µs`, "", ""],
    ["Tail path as deployed / floor", `${fixed(tail.ratio)}×`, "≤ 1.5×", tail.ratio <= 1.5 ? "met" : "not met"],
    ["Collector ingest into the durable buffer", `${Math.round(collector.ingestEventsPerSecond)} events/s`, "", ""],
    [
      "SQLite rows written per event, calls one at a time (a row per call, alarms, bookkeeping)",
      fixed(collector.rowsWrittenPerEvent, 3),
      "≤ 0.15 (a row per call: 0.1)",
      collector.rowsWrittenPerEvent <= 0.15 ? "met" : "not met",
    ],
    [
      "Collector (DO) requests per tail invocation",
      fixed(collector.collectorCallsPerTailInvocation),
      "1",
      collector.collectorCallsPerTailInvocation <= 1 ? "met" : "not met",
    ],
    ["R2 Class A operations per million events (default thresholds)", Math.round(collector.r2ClassAPerMillionEvents), "", ""],
    ...flushes.map((flush, i) => {
      const mib = i === 0 ? 100 : 200;
      const rss = memory[mib];
      return [
        `Flush of a ${mib} MiB LOW buffer: time, objects (largest); workerd RSS peak (growth during the flush)`,
        `${fixed(flush.flushMs / 1000, 1)} s, ${flush.objects} objects (${fixed(flush.largestObject / MiB, 1)} MiB); ${rss ? `${fixed(rss.peak / MiB, 0)} MiB (+${fixed((rss.peak - rss.before) / MiB, 0)} MiB)` : "not measured"}`,
        i === 0 ? "far below 128 MiB per isolate" : "growth not proportional to size",
        i === 0
          ? "see note"
          : rss && memory[100] && rss.peak - rss.before < 1.5 * (memory[100].peak - memory[100].before)
            ? "met"
            : "not met",
      ];
    }),
    ...(objectBounds.length > 0
      ? [
          [
            `R2 Class A operations of a 64 MiB flush, objects of at most ${objectBounds.map((b) => b.boundMiB).join(" / ")} MiB`,
            objectBounds.map((b) => `${b.classA} (${b.objects} objects, ${fixed(b.flushMs / 1000, 1)} s)`).join(" / "),
            "",
            "",
          ],
        ]
      : []),
    ...concurrencyRows(concurrency),
    ["Cost per million events, calls one at a time (DO requests + rows + R2)", money(cost.design), "", ""],
    ["Cost per million events, naive (a collector call and a row per event)", money(cost.naive), "", ""],
    [
      "Workers Logs, for comparison: per line until 2026-11-30; per GB from 2026-12-01 (events of ~700 bytes)",
      `${money(cost.workersLogs)}; ${money(cost.workersLogsByGB)}`,
      "",
      "",
    ],
    [
      "Workers Logpush (delivery only), per million events at 10 / 2 events per invocation",
      `${money(cost.logpush10)} / ${money(cost.logpush2)}`,
      "",
      "",
    ],
    [
      "Analytics Engine data points (when forwarding is on)",
      `${money(cost.analyticsEngine)} (${fixed(collector.dataPointsPerEvent)} per event)`,
      "",
      "",
    ],
    ...alertRows(alerts),
    [
      "End to end through local dev, producer → R2",
      e2e ? `${Math.round(e2e.endToEndRate)} events/s, ${e2e.sent} sent, ${e2e.missing} missing, ${e2e.duplicated} duplicated` : "not run",
      "zero loss",
      e2e && e2e.sent > 0 && e2e.failedRequests === 0 && e2e.missing === 0 && e2e.duplicated === 0 ? "met" : "not met",
    ],
    ...liveRows(live),
  ];
  if (queries) rows.push(...queryRows(queries));
  const lines = ["| figure | measured | target | |", "| --- | --- | --- | --- |", ...rows.map((r) => `| ${r.join(" | ")} |`)];
  return lines.join("\n");
}

/** Rows of bench/query-scale.bench.ts: dashboard refreshes on the busy day, memory of heavy query shapes. */
function queryRows({ busyDay, dashboards, shapes }) {
  const rows = [];
  for (const d of dashboards) {
    if (d.ms === undefined) continue;
    rows.push([
      `Dashboard refresh, ${d.window} window, busy day (${busyDay?.objects ?? "?"} objects): time; R2 list calls, objects read, bytes`,
      `${fixed(d.ms / 1000, 1)} s; ${d.listCalls} lists, ${d.objectsRead} objects, ${fixed(d.bytesRead / MiB, 1)} MiB${d.sampled ? `; ${d.sampled} panels sampled` : ""}`,
      "every panel answers",
      d.failed === 0 ? "met" : "not met",
    ]);
  }
  for (const s of shapes) {
    if (s.ms === undefined) continue;
    rows.push([
      `Query memory, ${s.name.replaceAll("_", " ")}: workerd RSS peak (growth); time`,
      `${s.rss ? `${fixed(s.rss.peak / MiB, 0)} MiB (+${fixed((s.rss.peak - s.rss.before) / MiB, 0)} MiB)` : "not measured"}; ${fixed(s.ms / 1000, 1)} s, ${s.events} events read, HTTP ${s.status}${s.cutByBytes ? ", answer cut at 8 MiB" : ""}`,
      "growth far below 128 MiB",
      s.rss && s.rss.peak - s.rss.before < 96 * MiB ? "met" : "not met",
    ]);
  }
  return rows;
}

/**
 * GET /live (bench/live-stream.bench.ts): the collector's ingest with 20 open streams against none
 * (the target), the same in the whole benchmark process (hub and clients included), and latency.
 */
function liveRows(live) {
  if (!live) return [["Live stream (GET /live)", "not run", "", ""]];
  const pct = (ratio) => (ratio - 1) * 100;
  const signed = (x) => `${x >= 0 ? "+" : "−"}${fixed(Math.abs(x), 0)}%`;
  const overhead = pct(live.collectorTimeRatioMedian);
  return [
    [
      `Live: the collector's ingest time with ${live.streams} open streams against none (its matching and its RPC to the hub with every delivery; median of ${live.collectorPairs} pairs of nearby ${live.callsPerBlock}-call blocks)`,
      `${signed(overhead)} (middle half of pairs ${signed(pct(live.collectorTimeRatioP25))} to ${signed(pct(live.collectorTimeRatioP75))}; all calls ${signed(pct(live.collectorTimeRatioTotal))}); noise, none against none: ${signed(pct(live.controlTimeRatioMedian))} (all calls ${signed(pct(live.controlTimeRatioTotal))})`,
      "≤ +10%",
      overhead <= 10 ? "met" : "not met",
    ],
    [
      `Live: the collector's ingest per call p50 / p99 and throughput, none vs ${live.streams} streams`,
      `${fixed(live.collectorP50MsNone, 0)} / ${fixed(live.collectorP99MsNone, 0)} ms, ${Math.round(live.collectorEventsPerSecondNone)} events/s vs ${fixed(live.collectorP50MsStreams, 0)} / ${fixed(live.collectorP99MsStreams, 0)} ms, ${Math.round(live.collectorEventsPerSecondStreams)} events/s`,
      "",
      "",
    ],
    [
      `Live: one delivery (at most 4 a second per shard): the collector's RPC to the hub; the hub's call with its fan-out to ${live.streams} streams`,
      `${fixed(live.rpcMsPerDelivery)} ms (the call and its answer, the hub only taking the delivery in); ${fixed(live.hubMsPerDelivery)} ms (the clients' handling interleaved)`,
      "",
      "",
    ],
    [
      `Live: the whole benchmark process (collector, hub and ${live.streams} clients on one thread; deployed they are apart), ingest time with ${live.streams} streams against none (median of alternating runs, with the hub's and clients' work until they have each run's matches)`,
      `${signed(pct(live.wholeProcessTimeRatioMedian))} (pairs: ${live.wholeProcessTimeRatios})`,
      "",
      "",
    ],
    [
      `Live: collector's matching against ${live.streams} filters, per stored event (share of ingest per event)`,
      `${fixed(live.matchUsPerEvent)} µs (${fixed((live.matchUsPerEvent / live.ingestUsPerEventNone) * 100, 1)}% of ${fixed(live.ingestUsPerEventNone)} µs)`,
      "≤ 10%",
      live.matchUsPerEvent / live.ingestUsPerEventNone <= 0.1 ? "met" : "not met",
    ],
    [
      "Live: stored → WebSocket latency p50 / p99 / max (in workerd, hub and clients in the same process)",
      `${Math.round(live.latencyP50Ms)} / ${Math.round(live.latencyP99Ms)} / ${Math.round(live.latencyMaxMs)} ms; ${live.deliveredToClients} events delivered, ${live.skipped} skipped`,
      "p99 ≤ 1 s",
      live.latencyP99Ms <= 1000 ? "met" : "not met",
    ],
    [
      "Live: gap between a shard's calls to the hub while streams match, min / median (each call a billed DO request)",
      `${Math.round(live.deliveryGapMinMs)} / ${Math.round(live.deliveryGapP50Ms)} ms (${live.deliveries} calls for ${live.matchedEvents} matched events)`,
      "≥ 250 ms: at most 4 a second",
      live.deliveryGapMinMs >= 250 ? "met" : "not met",
    ],
  ];
}

export function machineLine() {
  const cpu = cpus();
  return `${cpu[0]?.model ?? "unknown CPU"}, ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}
