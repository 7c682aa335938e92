import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { it } from "vitest";
import { parseLiveFilter } from "../collector-do/live/hub/live-filter";
import type { LiveHub } from "../collector-do/live/hub/live-hub";
import { LiveTap } from "../collector-do/live/live-tap";
import { PendingMatches } from "../collector-do/live/pending-matches";
import { StreamMatcher } from "../collector-do/live/stream-matcher";
import { CollectorStore } from "../collector-do/store/collector-store";
import type { TailCollector } from "../collector-do/tail-collector";
import type { WireEvent } from "../schemas/collector-rpc";
import { collectorShard } from "../schemas/collector-shards";
import { loadConfig } from "../schemas/config/config";
import { LIVE_SUBPROTOCOL, type LiveFilterInput } from "../schemas/live/protocol";
import {
  LIVE_DELIVERY_INTERVAL_MS,
  LIVE_HUB_NAME,
  type LiveDelivery,
  type LiveDeliveryAnswer,
  type LiveHubRpc,
} from "../schemas/live/streams";
import { toWireEvents } from "../tail-worker/tail-handler";
import { realisticInvocations } from "./realistic-mix";
import { medianMs, report } from "./report";

/**
 * GET /live under load, in workerd with the real collector shard, hub and WebSockets: ingest with
 * 20 open streams against none, and how long a stored event takes to reach its WebSocket.
 *
 * Here the hub and the 20 clients run in the same single-threaded process as the collector;
 * deployed the hub is another object and the clients are other machines. So two figures:
 * - the collector's: its ingest calls with the 20 streams' filters (matching, the pending
 *   matches, and its real RPC to the hub with every delivery, serialised and answered) against no
 *   stream, while the hub only takes the deliveries in; they are handed on to the hub's real
 *   fan-out afterwards, so the clients still get every match (checked). Short blocks of calls
 *   with and without streams alternate, so both see the same moment of this shared machine;
 * - the whole process: runs with the hub's fan-out and the clients' work in the measured time
 *   (until the clients have the run's last matches) against runs without streams.
 *
 * The 20 filters are a busy mix on the realistic events: 5 type globs that each match about one
 * event in nine, 5 on importance, 5 with where conditions (those parse the event), 5 that match
 * nothing. The streams stay open throughout; "no stream" is the collector holding an empty stream
 * set (as when none is open: it then does no work for streams at all).
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
/**
 * The collector's figure: cycles of blocks of this many ingest calls (one invocation each), two
 * blocks of each kind in a row, the second one timed.
 */
const CYCLES = 64;
const CALLS_PER_BLOCK = 20;
/** The whole process's figure: pairs of runs of this many calls. */
const RUN_PAIRS = 8;
const CALLS_PER_RUN = 200;

interface Consumer {
  ws: WebSocket;
  /** Events acknowledged (the cumulative count the hub's ack carries). */
  delivered: number;
  skipped: number;
}

/** What the clients saw, shared by the 20 consumers. */
interface Clients {
  /** When each event started its ingest call, while latency is measured. */
  startedAt: Map<string, number>;
  latencies: number[];
  /** When any client last handled a message. */
  lastMessageAt: number;
}

/** A client of GET /live that acknowledges at once and reads only what it measures. */
async function consumer(filter: LiveFilterInput, clients: Clients): Promise<Consumer> {
  const response = await exports.default.fetch("http://do-tail/live", {
    headers: { upgrade: "websocket", "sec-websocket-protocol": LIVE_SUBPROTOCOL },
  });
  const ws = response.webSocket!;
  ws.accept();
  const c: Consumer = { ws, delivered: 0, skipped: 0 };
  const subscribed = new Promise<void>((resolve, reject) => {
    ws.addEventListener("message", (event) => {
      const text = String(event.data);
      clients.lastMessageAt = performance.now();
      if (text.startsWith('{"type":"events"')) {
        const ack = /^\{"type":"events","ack":(\{[^}]*\})/.exec(text)![1]!;
        ws.send(`{"type":"ack","ack":${ack}}`);
        c.delivered = (JSON.parse(ack) as { events: number }).events;
        // The first event of a message waited longest: its latency stands for the message.
        const id = /"id":"([^"]+)"/.exec(text.slice(text.indexOf('"events":[')))?.[1];
        const started = id === undefined ? undefined : clients.startedAt.get(id);
        if (started !== undefined) clients.latencies.push(clients.lastMessageAt - started);
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
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

it("live stream: ingest with 0 and 20 open streams (the collector's share and the whole process), stored → WebSocket latency", async () => {
  const config = loadConfig(env);
  // The shard the hub tells about streams (SHARD_COUNT 1 here), as the tail worker would reach it.
  const shard = collectorShard(env, 0) as unknown as DurableObjectStub<TailCollector>;
  const hub = env.LIVE_HUB.get(env.LIVE_HUB.idFromName(LIVE_HUB_NAME));
  const until = async (what: string, check: () => boolean | Promise<boolean>, everyMs = 5) => {
    for (let i = 0; i < 20_000 / everyMs; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const tapIdle = () => runInDurableObject(shard, (c: TailCollector) => c.live.idle);

  let day = Date.UTC(2033, 0, 1);
  const batchesOf = (count: number): WireEvent[][] => {
    // Traffic of one hour, as a deployed shard sees it: runs a day apart made every flush open a new
    // hour, and the collector's rollup write of hundreds of open hours stalled it for about a second.
    day += 2_000;
    return realisticInvocations(count, day).map((item) => toWireEvents([item], config, Date.now()));
  };
  let calls = 0;
  /** Ingest calls, each timed; the alarm's flushes run between them, untimed. */
  const ingest = async (batches: WireEvent[][], into: number[], startedAt?: Map<string, number>) => {
    let events = 0;
    for (const batch of batches) {
      const start = performance.now();
      if (startedAt) for (const event of batch) startedAt.set(event.id, start);
      await shard.ingest({ events: batch });
      into.push(performance.now() - start);
      events += batch.length;
      if (++calls % 20 === 0) await runDurableObjectAlarm(shard);
    }
    return events;
  };
  await ingest(batchesOf(200), []); // warm-up

  const clients: Clients = { startedAt: new Map(), latencies: [], lastMessageAt: 0 };
  const consumers = await Promise.all(FILTERS.map((filter) => consumer(filter, clients)));
  await until("the shard to hold the 20 streams", () =>
    runInDurableObject(
      shard,
      (_c: TailCollector, state) => new CollectorStore(state.storage).loadLiveStreams().streams.length === FILTERS.length,
    ),
  );

  // Every call the collector makes to the hub, counted: the matches each stream is owed.
  const deliveryTimes: number[] = [];
  /** When the clients last handled a message, as each delivery started. */
  const clientsBusyBefore: number[] = [];
  let owed = 0;
  let matchedEvents = 0;
  let streamsTap: LiveTap | undefined;
  await runInDurableObject(shard, (collector: TailCollector) => {
    streamsTap = collector.live;
    const real = collector.live.hub;
    collector.live.hub = (): LiveHubRpc => ({
      deliver(delivery: LiveDelivery) {
        deliveryTimes.push(performance.now());
        clientsBusyBefore.push(clients.lastMessageAt);
        matchedEvents += delivery.events.length;
        owed += sum(delivery.streams.map((s) => s.events.length));
        return real().deliver(delivery);
      },
    });
  });
  const noStreamTap = new LiveTap({ loadLiveStreams: () => ({ version: 0, streams: [] }), saveLiveStreams() {} }, streamsTap!.hub);
  const withStreams = (on: boolean) =>
    runInDurableObject(shard, (collector: TailCollector) => {
      collector.live = on ? streamsTap! : noStreamTap;
    });
  const received = () => sum(consumers.map((c) => c.delivered + c.skipped));
  /**
   * Waits until the shard has handed over its last matches and the clients have them. The shard is
   * asked only once a delivery interval has passed quietly, so that the waiting itself calls into
   * it as little as it can while its delivery timer is due.
   */
  const settled = () =>
    until(
      "the shard to hand over every match and the clients to get them",
      async () => {
        const quiet = performance.now() - Math.max(deliveryTimes.at(-1) ?? 0, clients.lastMessageAt) > LIVE_DELIVERY_INTERVAL_MS + 50;
        return quiet && received() === owed && (await tapIdle());
      },
      50,
    );

  // The collector's share. The hub's deliver only takes the delivery in (the collector's RPC is
  // the real one); the held deliveries reach the hub's real fan-out after the measured blocks.
  const held: LiveDelivery[] = [];
  let hubDeliver: LiveHub["deliver"] | undefined;
  await runInDurableObject(hub, (instance: LiveHub) => {
    const prototype = Object.getPrototypeOf(instance) as LiveHub;
    hubDeliver = prototype.deliver;
    prototype.deliver = async (delivery: LiveDelivery): Promise<LiveDeliveryAnswer> => {
      held.push(delivery);
      return {};
    };
  });
  const blocksNone: number[] = [];
  const blocksStreams: number[] = [];
  const blocksControl: number[] = [];
  const callsNone: number[] = [];
  const callsStreams: number[] = [];
  let eventsNone = 0;
  let eventsStreams = 0;
  const block = async (kind: "none" | "streams" | "control", timed: boolean) => {
    await withStreams(kind === "streams");
    const times: number[] = [];
    const events = await ingest(batchesOf(CALLS_PER_BLOCK), times);
    if (!timed) return;
    ({ none: blocksNone, streams: blocksStreams, control: blocksControl })[kind].push(sum(times));
    if (kind === "streams") {
      callsStreams.push(...times);
      eventsStreams += events;
    } else if (kind === "none") {
      callsNone.push(...times);
      eventsNone += events;
    }
  };
  const deliveriesBefore = deliveryTimes.length;
  // Each kind runs two blocks in a row and only the second is timed: the first takes what the
  // previous kind left behind (a delivery falling due, garbage to collect), so that a stream's cost
  // is not booked on a block without streams. A second kind without streams ("control") times the
  // noise of this measure on this machine. The cycles take the three kinds in every order.
  const orders = [
    ["streams", "none", "control"],
    ["none", "streams", "control"],
    ["control", "streams", "none"],
    ["streams", "control", "none"],
    ["none", "control", "streams"],
    ["control", "none", "streams"],
  ] as const;
  for (let cycle = 0; cycle < CYCLES; cycle++)
    for (const kind of orders[cycle % orders.length]!) {
      await block(kind, false);
      await block(kind, true);
    }
  await withStreams(true);
  await new Promise((resolve) => setTimeout(resolve, LIVE_DELIVERY_INTERVAL_MS + 50));
  await until("the shard to hand over every match", tapIdle);
  const collectorDeliveries = deliveryTimes.length - deliveriesBefore;
  // The collector's side of one delivery: the same calls again, to a hub that only takes them in.
  const sample = held.slice(0, 20);
  const rpcStart = performance.now();
  for (let round = 0; round < 5; round++) for (const delivery of sample) await hub.deliver(delivery);
  const rpcMsPerDelivery = (performance.now() - rpcStart) / (5 * sample.length);
  held.length = held.length - 5 * sample.length;
  await runInDurableObject(hub, (instance: LiveHub) => {
    (Object.getPrototypeOf(instance) as LiveHub).deliver = hubDeliver!;
  });
  const heldDeliveries = held.length;
  const fanOutStart = performance.now();
  for (const delivery of held.splice(0)) await hub.deliver(delivery);
  const hubMsPerDelivery = (performance.now() - fanOutStart) / heldDeliveries;
  await until("the clients to get every match of the collector's blocks", () => received() === owed);
  const blockRatios = blocksStreams.map((streams, i) => streams / blocksNone[i]!);
  const controlRatios = blocksControl.map((control, i) => control / blocksNone[i]!);

  // The whole process: the hub's fan-out and the clients' work land in the measured time.
  const wholeRatios: number[] = [];
  const gaps: number[] = [];
  const run = async (on: boolean) => {
    await withStreams(on);
    const times: number[] = [];
    const batches = batchesOf(CALLS_PER_RUN);
    if (!on) {
      await ingest(batches, times);
      return sum(times);
    }
    const first = deliveryTimes.length;
    await ingest(batches, times, clients.startedAt);
    const loopEnd = performance.now();
    await settled();
    // Matches of the run's last 250 ms go in a delivery after its last call. What the clients and
    // the hub did after the last call counts (their work on earlier deliveries, then from that
    // delivery until the clients have it); the collector's wait for its cadence does not.
    const last = deliveryTimes.length - 1;
    const after =
      last >= first && deliveryTimes[last]! > loopEnd
        ? Math.max(0, clientsBusyBefore[last]! - loopEnd) + (clients.lastMessageAt - deliveryTimes[last]!)
        : Math.max(0, clients.lastMessageAt - loopEnd);
    for (let i = first + 1; i < deliveryTimes.length; i++) gaps.push(deliveryTimes[i]! - deliveryTimes[i - 1]!);
    return sum(times) + after;
  };
  for (let pair = 0; pair < RUN_PAIRS; pair++) {
    const first = await run(pair % 2 !== 0);
    const second = await run(pair % 2 === 0);
    wholeRatios.push(pair % 2 === 0 ? second / first : first / second);
  }

  const delivered = sum(consumers.map((c) => c.delivered));
  const skipped = sum(consumers.map((c) => c.skipped));
  if (delivered + skipped !== owed) throw new Error(`the clients got ${delivered} + ${skipped} skipped of ${owed} matches`);
  for (const c of consumers) c.ws.close(1000, "bench done");

  // The collector's matching alone: every stored event against the 20 filters, per event.
  const matcher = new StreamMatcher(
    FILTERS.map((input, i) => {
      const parsed = parseLiveFilter(input);
      if ("error" in parsed) throw new Error(parsed.error);
      return { id: `s${i}`, filter: parsed.filter };
    }),
  );
  const matchSample = batchesOf(2000);
  const matchSampleEvents = sum(matchSample.map((b) => b.length));
  const matchMs = medianMs(5, () => {
    const pending = new PendingMatches();
    for (const [i, batch] of matchSample.entries()) {
      matcher.match(batch, pending);
      // As deliveries would, every 50 calls (250 ms at 200 calls a second).
      if (i % 50 === 49) pending.take(1);
    }
  });

  report("live", {
    streams: FILTERS.length,
    collectorCalls: 6 * CYCLES * CALLS_PER_BLOCK,
    collectorPairs: CYCLES,
    callsPerBlock: CALLS_PER_BLOCK,
    collectorTimeRatioMedian: percentile(blockRatios, 0.5),
    collectorTimeRatioTotal: sum(blocksStreams) / sum(blocksNone),
    collectorTimeRatioP25: percentile(blockRatios, 0.25),
    collectorTimeRatioP75: percentile(blockRatios, 0.75),
    controlTimeRatioMedian: percentile(controlRatios, 0.5),
    controlTimeRatioTotal: sum(blocksControl) / sum(blocksNone),
    collectorP50MsNone: percentile(callsNone, 0.5),
    collectorP50MsStreams: percentile(callsStreams, 0.5),
    collectorP99MsNone: percentile(callsNone, 0.99),
    collectorP99MsStreams: percentile(callsStreams, 0.99),
    collectorEventsPerSecondNone: eventsNone / (sum(blocksNone) / 1000),
    collectorEventsPerSecondStreams: eventsStreams / (sum(blocksStreams) / 1000),
    collectorDeliveries: collectorDeliveries,
    rpcMsPerDelivery,
    hubMsPerDelivery,
    matchUsPerEvent: (matchMs * 1000) / matchSampleEvents,
    ingestUsPerEventNone: (sum(blocksNone) * 1000) / eventsNone,
    wholeProcessCalls: 2 * RUN_PAIRS * CALLS_PER_RUN,
    wholeProcessTimeRatioMedian: percentile(wholeRatios, 0.5),
    wholeProcessTimeRatios: wholeRatios.map((r) => r.toFixed(3)).join(" "),
    latencyP50Ms: percentile(clients.latencies, 0.5),
    latencyP99Ms: percentile(clients.latencies, 0.99),
    latencyMaxMs: percentile(clients.latencies, 1),
    deliveredToClients: delivered,
    skipped,
    matchedEvents,
    deliveries: deliveryTimes.length,
    deliveryGapMinMs: Math.min(...gaps),
    deliveryGapP50Ms: percentile(gaps, 0.5),
  });
});
