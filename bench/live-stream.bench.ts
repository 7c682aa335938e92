import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { it } from "vitest";
import { parseLiveFilter } from "../collector-do/live/hub/live-filter";
import { PendingMatches } from "../collector-do/live/pending-matches";
import { StreamMatcher } from "../collector-do/live/stream-matcher";
import { CollectorStore } from "../collector-do/store/collector-store";
import type { TailCollector } from "../collector-do/tail-collector";
import type { WireEvent } from "../schemas/collector-rpc";
import { collectorShard } from "../schemas/collector-shards";
import { loadConfig } from "../schemas/config/config";
import { LIVE_SUBPROTOCOL, type LiveFilterInput } from "../schemas/live/protocol";
import type { LiveDelivery, LiveHubRpc } from "../schemas/live/streams";
import { toWireEvents } from "../tail-worker/tail-handler";
import { realisticInvocations } from "./realistic-mix";
import { medianMs, report } from "./report";

/**
 * GET /live under load, in workerd with the real collector shard, hub and WebSockets: ingest call
 * latency and throughput with no stream open against 20 open streams (runs alternate, so both see
 * the same machine), and how long a stored event takes to reach its WebSocket.
 *
 * The 20 filters are a busy mix on the realistic events: 5 type globs that each match about one
 * event in nine, 5 on importance, 5 with where conditions (those parse the event), 5 that match
 * nothing. Here the hub and the clients run in the same process as the collector, so their work
 * counts against ingest; deployed they are other objects and other machines.
 */
const FILTERS: LiveFilterInput[] = [
  { type: "ws_*" },
  { type: "run_*" },
  { type: "heartbeat" },
  { type: "AI.*" },
  { type: "import" },
  { importance: "CRITICAL" },
  { importance: "HIGH" },
  { importance: ["CRITICAL", "HIGH"] },
  { importance: "CRITICAL", type: "exception" },
  { importance: "HIGH", type: "console.*" },
  { where: ["playerId=p-7"] },
  { where: ["status=down"] },
  { where: ["durationMs>=800"] },
  { script: "session-api", type: "ws_*" },
  { type: "run_complete", where: ["plan=pro"] },
  { type: "never_a_*" },
  { type: "never_b_*" },
  { type: "never_c_*" },
  { importance: "LOW", type: "never_d" },
  { script: "no-such-script" },
];
const PAIRS = 8;
const INVOCATIONS_PER_RUN = 200;

interface Consumer {
  ws: WebSocket;
  delivered: number;
  skipped: number;
}

/** A client of GET /live that acknowledges at once and reads only what it measures. */
async function consumer(filter: LiveFilterInput, startedAt: Map<string, number>, latencies: number[]): Promise<Consumer> {
  const response = await exports.default.fetch("http://do-tail/live", {
    headers: { upgrade: "websocket", "sec-websocket-protocol": LIVE_SUBPROTOCOL },
  });
  const ws = response.webSocket!;
  ws.accept();
  const c: Consumer = { ws, delivered: 0, skipped: 0 };
  const subscribed = new Promise<void>((resolve, reject) => {
    ws.addEventListener("message", (event) => {
      const text = String(event.data);
      if (text.startsWith('{"type":"events"')) {
        const ack = /^\{"type":"events","ack":(\{[^}]*\})/.exec(text)![1]!;
        ws.send(`{"type":"ack","ack":${ack}}`);
        c.delivered = (JSON.parse(ack) as { events: number }).events;
        // The first event of a message waited longest: its latency stands for the message.
        const id = /"id":"([^"]+)"/.exec(text.slice(text.indexOf('"events":[')))?.[1];
        const started = id === undefined ? undefined : startedAt.get(id);
        if (started !== undefined) latencies.push(performance.now() - started);
      } else if (text.startsWith('{"type":"skipped"')) c.skipped += (JSON.parse(text) as { count: number }).count;
      else if (text.startsWith('{"type":"subscribed"')) resolve();
      else if (text.startsWith('{"type":"error"')) reject(new Error(text));
    });
  });
  ws.send(JSON.stringify({ type: "subscribe", filter }));
  await subscribed;
  return c;
}

const percentile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

it("live stream: ingest with 0 and 20 open streams, stored → WebSocket latency", async () => {
  const config = loadConfig(env);
  // The shard the hub tells about streams (SHARD_COUNT 1 here), as the tail worker would reach it.
  const shard = collectorShard(env, 0) as unknown as DurableObjectStub<TailCollector>;
  const streamsHeld = () =>
    runInDurableObject(shard, (_c: TailCollector, state) => new CollectorStore(state.storage).loadLiveStreams().streams.length).catch(
      () => 0,
    );
  const until = async (what: string, check: () => Promise<boolean>) => {
    for (let i = 0; i < 2_000; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  const deliveryTimes: number[] = [];
  let deliveredEvents = 0;
  await runInDurableObject(shard, (collector: TailCollector) => {
    const real = collector.live.hub;
    collector.live.hub = (): LiveHubRpc => ({
      deliver(delivery: LiveDelivery) {
        deliveryTimes.push(Date.now());
        deliveredEvents += delivery.events.length;
        return real().deliver(delivery);
      },
    });
  });

  let day = Date.UTC(2033, 0, 1);
  const batchesOf = (count: number): WireEvent[][] => {
    day += 86_400_000;
    return realisticInvocations(count, day).map((item) => toWireEvents([item], config, Date.now()));
  };
  const ingest = async (batches: WireEvent[][], startedAt?: Map<string, number>) => {
    const calls: number[] = [];
    let events = 0;
    for (const [i, batch] of batches.entries()) {
      const start = performance.now();
      if (startedAt) for (const event of batch) startedAt.set(event.id, start);
      await shard.ingest({ events: batch });
      calls.push(performance.now() - start);
      events += batch.length;
      if (i % 20 === 19) await runDurableObjectAlarm(shard);
    }
    return { calls, events, ms: calls.reduce((a, b) => a + b, 0) };
  };

  await ingest(batchesOf(200)); // warm-up
  const none = { calls: [] as number[], events: 0, ms: 0 };
  const streams = { calls: [] as number[], events: 0, ms: 0 };
  const ratios: number[] = [];
  const latencies: number[] = [];
  let delivered = 0;
  let skipped = 0;
  /** Gaps between consecutive calls to the hub within one run with streams (the shard's clock). */
  const gaps: number[] = [];
  const add = (into: typeof none, run: Awaited<ReturnType<typeof ingest>>) => {
    into.calls.push(...run.calls);
    into.events += run.events;
    into.ms += run.ms;
  };
  const withoutStreams = async () => {
    const run = await ingest(batchesOf(INVOCATIONS_PER_RUN));
    add(none, run);
    return run.ms;
  };
  const withStreams = async () => {
    const startedAt = new Map<string, number>();
    const consumers = await Promise.all(FILTERS.map((filter) => consumer(filter, startedAt, latencies)));
    await until("the shard to hold the 20 streams", async () => (await streamsHeld()) === FILTERS.length);
    const first = deliveryTimes.length;
    const run = await ingest(batchesOf(INVOCATIONS_PER_RUN), startedAt);
    await until("the shard to hand over every match", () => runInDurableObject(shard, (c: TailCollector) => c.live.idle));
    const times = deliveryTimes.slice(first);
    for (let i = 1; i < times.length; i++) gaps.push(times[i]! - times[i - 1]!);
    add(streams, run);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const c of consumers) {
      delivered += c.delivered;
      skipped += c.skipped;
      c.ws.close(1000, "bench done");
    }
    await until("the shard to hear the streams closed", async () => (await streamsHeld()) === 0);
    return run.ms;
  };
  // Pairs in alternating order (none first, then streams first), so drift on a shared machine
  // weighs on both; the overhead is the median of the pairs' ratios.
  for (let pair = 0; pair < PAIRS; pair++) {
    if (pair % 2 === 0) {
      const a = await withoutStreams();
      ratios.push((await withStreams()) / a);
    } else {
      const b = await withStreams();
      ratios.push(b / (await withoutStreams()));
    }
  }

  // The collector's own share, apart from the hub and the clients that share this process: the
  // matching of every stored event against the 20 filters, per event, against ingest per event.
  const matcher = new StreamMatcher(
    FILTERS.map((input, i) => {
      const parsed = parseLiveFilter(input);
      if ("error" in parsed) throw new Error(parsed.error);
      return { id: `s${i}`, filter: parsed.filter };
    }),
  );
  const sample = batchesOf(2000);
  const sampleEvents = sample.reduce((n, b) => n + b.length, 0);
  const matchMs = medianMs(5, () => {
    const pending = new PendingMatches();
    for (const [i, batch] of sample.entries()) {
      matcher.match(batch, pending);
      // As deliveries would, every 50 calls (250 ms at 200 calls a second).
      if (i % 50 === 49) pending.take(1);
    }
  });

  const p50None = percentile(none.calls, 0.5);
  const p50Streams = percentile(streams.calls, 0.5);
  report("live", {
    streams: FILTERS.length,
    invocations: 2 * PAIRS * INVOCATIONS_PER_RUN,
    ingestTimeRatioMedian: percentile(ratios, 0.5),
    ingestTimeRatios: ratios.map((r) => r.toFixed(3)).join(" "),
    matchUsPerEvent: (matchMs * 1000) / sampleEvents,
    ingestUsPerEventNone: (none.ms * 1000) / none.events,
    ingestP50MsNone: p50None,
    ingestP50MsStreams: p50Streams,
    ingestP99MsNone: percentile(none.calls, 0.99),
    ingestP99MsStreams: percentile(streams.calls, 0.99),
    eventsPerSecondNone: none.events / (none.ms / 1000),
    eventsPerSecondStreams: streams.events / (streams.ms / 1000),
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP99Ms: percentile(latencies, 0.99),
    latencyMaxMs: percentile(latencies, 1),
    deliveredToClients: delivered,
    skipped,
    matchedEvents: deliveredEvents,
    deliveries: deliveryTimes.length,
    deliveryGapMinMs: Math.min(...gaps),
    deliveryGapP50Ms: percentile(gaps, 0.5),
  });
});
