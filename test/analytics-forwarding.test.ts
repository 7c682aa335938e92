import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AnalyticsEngineSink } from "../collector-do/forward/engine-sink";
import { Forwarder } from "../collector-do/forward/forwarder";
import type { TailCollector } from "../collector-do/tail-collector";
import type { WireEvent } from "../schemas/collector-rpc";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { toWireEvents } from "../tail-worker/tail-handler";
import { readArchives } from "./helpers/archive";
import { HEARTBEAT_SAMPLE, RUNTIME_SAMPLES } from "./helpers/catalog-samples";
import { collector, testDay } from "./helpers/collector";
import { type RecordingDataset, recordingDataset } from "./helpers/recording-dataset";
import { logAt, traceItem } from "./helpers/trace-items";

// The tail worker decides, per event, whether and as what it goes to Analytics Engine; the
// collector writes the points right after storing the batch, and counts everything in /stats.

const settings = (vars: Partial<Record<"ANALYTICS_ENABLED" | "ANALYTICS_MAPPINGS_DISABLED", string>>) =>
  loadConfig({ ...env, ...vars } as Env);

function wireFor(config: ReturnType<typeof loadConfig>, timestamp: number, ...events: Record<string, unknown>[]): WireEvent[] {
  const item = traceItem({ eventTimestamp: timestamp, logs: events.map((e) => logAt(timestamp + 1, "log", JSON.stringify(e))) });
  return toWireEvents([item], config, timestamp);
}

const heartbeat = (fields: Record<string, unknown> = {}) => ({ _event: "heartbeat", ...HEARTBEAT_SAMPLE, ...fields });
const runComplete = (fields: Record<string, unknown> = {}) => ({ _event: "run_complete", ...RUNTIME_SAMPLES.run_complete, ...fields });

/** The collector under test writes through a recording wrapper of the real (no-op) binding. */
async function recordingCollector(
  name: string,
  options: { failWith?: string } = {},
): Promise<{ stub: DurableObjectStub<TailCollector>; recorder: RecordingDataset }> {
  const stub = collector(name);
  const recorder = recordingDataset(env.ANALYTICS!, options);
  await runInDurableObject(stub, (instance: TailCollector) => {
    instance.forwarder = new Forwarder([new AnalyticsEngineSink(recorder.dataset)]);
  });
  return { stub, recorder };
}

describe("the tail worker's forwarding decision", () => {
  it("attaches nothing while ANALYTICS_ENABLED is false", () => {
    const wire = wireFor(settings({ ANALYTICS_ENABLED: "false" }), testDay(420).timestamp, heartbeat());
    expect(wire.map((e) => e.analytics)).toEqual([undefined, undefined]);
  });

  it("attaches a data point to mapped events only", () => {
    const wire = wireFor(
      settings({ ANALYTICS_ENABLED: "true" }),
      testDay(421).timestamp,
      heartbeat(),
      { _event: "session_created" },
      { _event: "custom" },
    );
    const [invocation, mapped, wide, custom] = wire;
    expect(mapped!.analytics).toEqual({ mapping: "heartbeat", point: expect.objectContaining({ indexes: ["mon_search"] }) });
    for (const unmapped of [invocation, wide, custom]) expect(unmapped!.analytics).toBeUndefined();
  });

  it("skips a switched-off mapping and an invalid event, saying why", () => {
    const config = settings({ ANALYTICS_ENABLED: "true", ANALYTICS_MAPPINGS_DISABLED: "heartbeat" });
    const [, off, invalid, valid] = wireFor(
      config,
      testDay(422).timestamp,
      heartbeat(),
      runComplete({ durationMs: "slow" }),
      runComplete(),
    );
    expect(off!.analytics).toEqual({ mapping: "heartbeat", skipped: "disabled" });
    expect(invalid!.analytics).toEqual({ mapping: "run_complete", skipped: "invalid" });
    expect(valid!.analytics).toHaveProperty("point");
  });

  it("keeps forwarding decisions out of the archived JSON", () => {
    const [, event] = wireFor(settings({ ANALYTICS_ENABLED: "true" }), testDay(423).timestamp, heartbeat());
    expect(JSON.parse(event!.json)).not.toHaveProperty("analytics");
  });
});

describe("forwarding in the collector", () => {
  it("writes the points of a stored batch and counts selected, skipped and forwarded", async () => {
    const { timestamp } = testDay(430);
    const { stub, recorder } = await recordingCollector("forward-writes");
    const config = settings({ ANALYTICS_ENABLED: "true", ANALYTICS_MAPPINGS_DISABLED: "AI.*" });
    const wire = wireFor(config, timestamp, heartbeat(), runComplete(), runComplete({ durationMs: "x" }), {
      _event: "AI.Generation.completed",
      tokens: 3,
    });
    expect(await stub.ingest({ events: wire })).toMatchObject({ accepted: wire.length });

    expect(recorder.writes).toEqual([
      {
        blobs: ["heartbeat", "mon_search", "org_globex", "apac", "down", "disp_1", "timed out after 10000 ms"],
        doubles: [10_000, 0, 0, 1],
        indexes: ["mon_search"],
      },
      { blobs: ["run_complete", "failed", "pro", "cap_1", "post_1", "TypeError", "run_1"], doubles: [1_234, 1], indexes: ["cap_1"] },
    ]);
    expect((await stub.stats()).counters.analytics).toMatchObject({
      selected: 2,
      skipped: { disabled: 1, invalid: 1, malformed: 0 },
      engine: { forwarded: 2, failed: 0 },
    });
  });

  it("writes nothing twice when a delivery is retried", async () => {
    const { stub, recorder } = await recordingCollector("forward-dedupe");
    const wire = wireFor(settings({ ANALYTICS_ENABLED: "true" }), testDay(431).timestamp, heartbeat(), heartbeat({ region: "weur" }));
    await stub.ingest({ events: wire });
    await stub.ingest({ events: wire });
    expect(recorder.writes).toHaveLength(2);
  });

  it("counts points that arrive malformed and writes the rest", async () => {
    const { stub, recorder } = await recordingCollector("forward-malformed");
    const [invocation, good] = wireFor(settings({ ANALYTICS_ENABLED: "true" }), testDay(432).timestamp, heartbeat());
    const bad = {
      ...good!,
      id: `${good!.id}-bad`,
      analytics: { mapping: "heartbeat", point: { blobs: "not an array" } },
    } as unknown as WireEvent;
    await stub.ingest({ events: [invocation!, good!, bad] });
    expect(recorder.writes).toHaveLength(1);
    expect((await stub.stats()).counters.analytics.skipped.malformed).toBe(1);
  });

  it("stays within 250 writes for a batch with more points, and archives every event", async () => {
    const { timestamp, prefix } = testDay(433);
    const { stub, recorder } = await recordingCollector("forward-invocation-limit");
    const beats = Array.from({ length: 300 }, (_, i) => heartbeat({ dispatchId: `d${i}` }));
    const wire = wireFor(settings({ ANALYTICS_ENABLED: "true" }), timestamp, ...beats);
    await stub.ingest({ events: wire });
    expect(recorder.writes).toHaveLength(250);
    expect((await stub.stats()).counters.analytics.engine).toMatchObject({ forwarded: 250, skipped: { invocationLimit: 50 } });
    await stub.flush();
    const archived = (await readArchives(env.ARCHIVE, prefix)).flatMap((a) => a.events);
    expect(archived.filter((e) => e.type === "heartbeat")).toHaveLength(300);
  });

  it("archives a batch whose every write fails, and counts the failures", async () => {
    const { timestamp, prefix } = testDay(434);
    const { stub } = await recordingCollector("forward-failing", { failWith: "AE is down" });
    const wire = wireFor(settings({ ANALYTICS_ENABLED: "true" }), timestamp, heartbeat(), runComplete());
    expect(await stub.ingest({ events: wire })).toMatchObject({ accepted: 3, duplicates: 0 });
    const analytics = (await stub.stats()).counters.analytics;
    expect(analytics.engine).toMatchObject({ forwarded: 0, failed: 2 });
    expect(analytics.lastError?.message).toContain("AE is down");
    await stub.flush();
    expect((await readArchives(env.ARCHIVE, prefix)).flatMap((a) => a.events)).toHaveLength(3);
  });
});
