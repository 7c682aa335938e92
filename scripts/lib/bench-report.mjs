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
      `collector +$${added.collector.toFixed(4)}; Basin's sink (Parquet, past 50 GB) ${money(added.sink)}`,
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
    ["Tail path CPU per event (parse, redact, classify, validate, sample, serialise)", `${fixed(tail.tailUsPerEvent)} µs`, "", ""],
    ["Floor: JSON.parse of each log + JSON.stringify of each output event", `${fixed(tail.floorUsPerEvent)} µs`, "", ""],
    ["Tail path / floor", `${fixed(tail.ratio)}×`, "≤ 1.5×", tail.ratio <= 1.5 ? "met" : "not met"],
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

/** How to read the table: written under it on every run. */
export const BENCH_NOTES = `
## Reading the figures

- **Memory.** The RSS figures are the whole workerd process of the benchmark: the test harness, the
  local R2 and SQLite emulation and garbage not yet collected, not the collector's isolate alone.
  What shows that a flush streams is the comparison: flushing twice as much does not take twice the
  memory (the object is written in 8 MiB parts from one buffer, rows are read four at a time).
- **CPU.** The tail path does more than the floor's parse and stringify: it builds the invocation
  record, redacts (a walk over every key, with a per-key verdict cache), classifies (memoised per
  kind, type and level), decides sampling, validates named events against their catalog schema (a
  compiled check; valibot only for invalid ones), copies producer values it cannot trust and counts
  the keys of each JSON line (so that a line with a duplicate key is never archived as is: its
  colons first, exactly only when its strings hold colons), and looks for secrets written into text
  (a JSON line only when one native search finds a mark of one). Splicing the producer's own JSON
  line into the archived event spares one stringify; lone surrogates are looked for in each part of
  the event where it is written, not in the joined event again. The benchmark calls the tail path
  once per invocation, as \`tail()\` is called deployed (one call for all 3,000 invocations kept
  30,000 events alive to its end, which cost a quarter of the time under Node 22's V8 12; under
  workerd's it made no difference). Where the rest goes, measured by taking one step out at a time
  (Node 25, V8 14, the same engine generation as workerd; µs per event, of about 2.5, each within
  about 0.1 of noise): redaction 0.4 (0.6 before keys and parameters in text were found from their
  separators rather than by a regular expression tried at every position, which took a URL from
  1.2 to 0.3 µs; the invocation record's URL, headers and \`cf\`, console text and the key walk of
  JSON lines), validation 0.2, request headers and \`cf\` in the invocation record 0.22 (three
  headers and three \`cf\` fields here; a deployed request has more), printing CRITICAL events
  0.08. Re-serialising data that redaction changed (a session id's pseudonym) measured nothing
  worth splicing the pseudonym into the producer's line instead. Credentials with an issued prefix
  (\`sk_live_\`, \`cfut_\`, …, searched in every string of 20 characters or more), escaped JSON in
  strings, cookie lines, XML elements, Basic credentials and the depth bound for strict readers
  came after that: about +3% under Node 25 and +5–8% under workerd, whose regular expressions ran
  three times slower in a probe (known-credential search of a 30-character string: about 50 ns
  against 14). Reaching 1.5× would take out most
  of what redaction and validation do, or request metadata (which Workers Logs, the alternative,
  records too): features, not overhead. At list prices the whole tail path costs about $0.00005 of
  CPU per million events.
- **Group commit.** bench/collector-concurrency.bench.ts sends ingest calls into one shard at a
  steady rate from the test isolate (open loop: each call leaves on time whether or not earlier ones
  were answered). Rows written are every change SQLite counts (\`total_changes()\`: buffer rows, the
  state row, the backoff row, the alarm, which is a row of the object's SQLite); DO requests are the
  ingest calls and the alarms. Calls arriving within the 40 ms linger share one row, so at a rate R a
  row holds about 1 + R × 0.04 calls when the machine keeps up. Rows of archived events are not
  deleted but overwritten a minute later by the next group (one row where deleting and inserting
  would be two), so a run's inserts stand for the overwrites of a busy shard; a shard that goes idle
  deletes its last minute of rows once. The floor the design sits on: one DO request per tail
  invocation ($0.015 per million events at 10 events per invocation, $0.075 at 2), plus per flush
  run two state-row writes and the alarm; the group's row is what the linger divides, and R2 Class A
  operations at the default thresholds (an object per importance and flush) come on top. When the
  shared machine cannot keep up with a rate (the table says so), calls queue, groups grow to their
  1.5 MB bound and the acknowledgement latency is the queue's: those rows do not show the linger.
- **Basin.** The 10-event mix at 500 calls a second runs a second time with a Basin stream bound
  (the locally no-op pipelines binding, wrapped to count sends and record bytes); the row compares it
  with the run without. Rows are compared without the groups' buffer rows, which only say how calls
  happened to group. Basin's own prices (the sink per GB, Basin SQL per GB scanned) come on top.
- **Timing** on a shared 2-core machine varies by about ±20% between runs; ratios are taken within
  one run on the same data.
`;
