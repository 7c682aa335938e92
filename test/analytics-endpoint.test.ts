import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type EndpointOptions, HttpEndpointSink } from "../collector-do/forward/endpoint-sink";
import { emptyForwardCounts } from "../collector-do/forward/forward-counts";
import { Forwarder } from "../collector-do/forward/forwarder";
import type { ForwardItem } from "../collector-do/forward/sink";
import type { TailCollector } from "../collector-do/tail-collector";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { toWireEvents } from "../tail-worker/tail-handler";
import { HEARTBEAT_SAMPLE } from "./helpers/catalog-samples";
import { collector, testDay } from "./helpers/collector";
import { type LocalEndpoint, localEndpoint } from "./helpers/local-endpoint";
import { logAt, traceItem } from "./helpers/trace-items";

// ANALYTICS_ENDPOINT receives the selected events as JSON batches by POST, with retries and
// backoff; response bodies are always read; nothing it does delays or fails an ingest.

const URL_ = "https://analytics.example/ingest";
const item = (n: number): ForwardItem => ({
  id: `inv-${n}`,
  type: "heartbeat",
  timestamp: 1_000 + n,
  point: { blobs: ["heartbeat", `m${n}`], doubles: [n], indexes: [`m${n}`] },
  json: JSON.stringify({ id: `inv-${n}`, type: "heartbeat", data: { n } }),
});

async function send(endpoint: LocalEndpoint, items: ForwardItem[], options: EndpointOptions = {}) {
  const counts = emptyForwardCounts();
  await new HttpEndpointSink(URL_, { fetch: endpoint.fetch, baseDelayMs: 1, ...options }).send(items, counts);
  return counts;
}

describe("the HTTP endpoint sink", () => {
  it("POSTs the events as one JSON batch: id, type, timestamp, data point and the archived event", async () => {
    const endpoint = localEndpoint();
    const counts = await send(endpoint, [item(1), item(2)]);
    expect(endpoint.received).toHaveLength(1);
    expect(endpoint.received[0]).toMatchObject({ method: "POST", url: URL_, contentType: "application/json" });
    expect(endpoint.received[0]!.body).toEqual({
      events: [1, 2].map((n) => ({
        id: `inv-${n}`,
        type: "heartbeat",
        timestamp: 1_000 + n,
        dataPoint: { blobs: ["heartbeat", `m${n}`], doubles: [n], indexes: [`m${n}`] },
        event: { id: `inv-${n}`, type: "heartbeat", data: { n } },
      })),
    });
    expect(counts.endpoint).toEqual({ forwarded: 2, failed: 0, batches: 1, retries: 0 });
  });

  it("retries 5xx, 429 and network errors with backoff, reading every response body", async () => {
    const endpoint = localEndpoint([503, 429, "network-error", 200]);
    const counts = await send(endpoint, [item(1)]);
    expect(endpoint.received).toHaveLength(4);
    expect(endpoint.bodiesRead).toEqual([true, true, true]);
    expect(counts.endpoint).toEqual({ forwarded: 1, failed: 0, batches: 1, retries: 3 });
  });

  it("gives up after its attempts and counts the batch's events as failed", async () => {
    const endpoint = localEndpoint([500, 500, 500, 500]);
    const counts = await send(endpoint, [item(1), item(2), item(3)], { attempts: 3 });
    expect(endpoint.received).toHaveLength(3);
    expect(counts.endpoint).toMatchObject({ forwarded: 0, failed: 3, retries: 2 });
    expect(counts.lastError?.message).toBe("analytics endpoint: HTTP 500");
  });

  it("does not retry an answer that will not change (4xx other than 429)", async () => {
    const endpoint = localEndpoint([400]);
    const counts = await send(endpoint, [item(1)]);
    expect(endpoint.received).toHaveLength(1);
    expect(endpoint.bodiesRead).toEqual([true]);
    expect(counts.endpoint).toMatchObject({ forwarded: 0, failed: 1, retries: 0 });
  });

  it("splits a large selection into batches of about maxBatchBytes", async () => {
    const endpoint = localEndpoint();
    const counts = await send(endpoint, [1, 2, 3, 4, 5].map(item), { maxBatchBytes: 300 });
    const sizes = endpoint.received.map((r) => (r.body as { events: unknown[] }).events.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5);
    expect(sizes.length).toBeGreaterThan(1);
    expect(counts.endpoint).toMatchObject({ forwarded: 5, batches: sizes.length });
  });

  it("sends what arrives while a batch is in flight with the next batch, and drops past its queue", async () => {
    const endpoint = localEndpoint();
    endpoint.hold();
    const counts = emptyForwardCounts();
    const sink = new HttpEndpointSink(URL_, { fetch: endpoint.fetch, maxQueued: 3 });
    const first = sink.send([item(1)], counts);
    const second = sink.send([item(2), item(3), item(4), item(5)], counts);
    expect(second).toBe(first);
    expect(counts.endpoint.failed).toBe(1);
    endpoint.release();
    await first;
    expect(endpoint.received.map((r) => (r.body as { events: { id: string }[] }).events.map((e) => e.id))).toEqual([
      ["inv-1"],
      ["inv-2", "inv-3", "inv-4"],
    ]);
    expect(counts.endpoint).toMatchObject({ forwarded: 4, failed: 1, batches: 2 });
  });
});

describe("the endpoint behind the collector", () => {
  it("acknowledges an ingest while the endpoint has not answered yet, and forwards once it does", async () => {
    const { timestamp } = testDay(440);
    const stub = collector("endpoint-slow");
    const endpoint = localEndpoint();
    endpoint.hold();
    const pending: Promise<void>[] = [];
    await runInDurableObject(stub, (instance: TailCollector) => {
      const forwarder = new Forwarder([new HttpEndpointSink(URL_, { fetch: endpoint.fetch })]);
      instance.forwarder = {
        wantsEvents: true,
        forward: (events, counts) => tracked(forwarder.forward(events, counts), pending),
      } as Forwarder;
    });
    const config = loadConfig({ ...env, ANALYTICS_ENABLED: "true" } as Env);
    const heartbeat = JSON.stringify({ _event: "heartbeat", ...HEARTBEAT_SAMPLE });
    const wire = toWireEvents([traceItem({ eventTimestamp: timestamp, logs: [logAt(timestamp, "log", heartbeat)] })], config, timestamp);

    expect(await stub.ingest({ events: wire })).toMatchObject({ accepted: 2 });
    expect((await stub.stats()).counters.analytics.endpoint.forwarded).toBe(0);
    endpoint.release();
    await Promise.all(pending);
    expect(endpoint.received).toHaveLength(1);
    expect((await stub.stats()).counters.analytics.endpoint).toMatchObject({ forwarded: 1, failed: 0 });
  });
});

function tracked(delivery: Promise<void> | undefined, into: Promise<void>[]): Promise<void> | undefined {
  if (delivery) into.push(delivery);
  return delivery;
}
