import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AnalyticsEngineSink } from "../collector-do/forward/engine-sink";
import { emptyForwardCounts } from "../collector-do/forward/forward-counts";
import type { ForwardItem } from "../collector-do/forward/sink";
import { AE_LIMITS, type DataPoint } from "../schemas/analytics/data-point";
import { isDataPoint, limitViolation } from "../schemas/analytics/limits";
import { recordingDataset } from "./helpers/recording-dataset";

// Analytics Engine's limits are enforced where points are written, counted, and never exceeded:
// 20 blobs, 20 doubles, one index of at most 96 bytes, 16 KB of blobs, 250 points per invocation.

const base = (): DataPoint => ({ blobs: ["heartbeat", "m"], doubles: [1], indexes: ["m"] });
const item = (point: DataPoint, n = 0): ForwardItem => ({ id: `e-${n}`, type: "heartbeat", timestamp: 0, point, json: "{}" });

function writeThroughSink(points: DataPoint[]) {
  const recorder = recordingDataset(env.ANALYTICS!);
  const counts = emptyForwardCounts();
  new AnalyticsEngineSink(recorder.dataset).send(
    points.map((p, n) => item(p, n)),
    counts,
  );
  return { writes: recorder.writes, engine: counts.engine };
}

describe("limitViolation", () => {
  it("accepts a point exactly at every limit", () => {
    const atLimits: DataPoint = {
      blobs: Array.from({ length: AE_LIMITS.blobs }, (_, i) => (i === 0 ? "x".repeat(AE_LIMITS.blobBytes - (AE_LIMITS.blobs - 1)) : "y")),
      doubles: Array.from({ length: AE_LIMITS.doubles }, (_, i) => i),
      indexes: ["i".repeat(AE_LIMITS.indexBytes)],
    };
    expect(limitViolation(atLimits)).toBeUndefined();
  });

  it.each([
    ["tooManyBlobs", { ...base(), blobs: Array.from({ length: 21 }, () => "b") }],
    ["tooManyDoubles", { ...base(), doubles: Array.from({ length: 21 }, () => 0) }],
    ["tooManyIndexes", { ...base(), indexes: ["a", "b"] }],
    ["indexTooLong", { ...base(), indexes: ["i".repeat(97)] }],
    // 33 three-byte characters are 99 bytes, though only 33 UTF-16 units.
    ["indexTooLong", { ...base(), indexes: ["€".repeat(33)] }],
    ["blobsTooLarge", { ...base(), blobs: ["x".repeat(AE_LIMITS.blobBytes), "y"] }],
    ["blobsTooLarge", { ...base(), blobs: ["€".repeat(6000)] }],
  ] as [string, DataPoint][])("finds %s", (violation, point) => {
    expect(limitViolation(point)).toBe(violation);
  });

  it("recognises only well-formed points", () => {
    expect(isDataPoint(base())).toBe(true);
    for (const bad of [
      null,
      "point",
      { blobs: [1], doubles: [], indexes: [] },
      { blobs: [], doubles: [Number.NaN], indexes: [] },
      { blobs: [], doubles: [] },
    ]) {
      expect(isDataPoint(bad)).toBe(false);
    }
  });
});

describe("the Analytics Engine sink", () => {
  it("writes points that fit, as they are", () => {
    const { writes, engine } = writeThroughSink([base()]);
    expect(writes).toEqual([base()]);
    expect(engine.forwarded).toBe(1);
  });

  it("leaves out each point over a per-point limit, counts it by reason, and writes the others", () => {
    const { writes, engine } = writeThroughSink([
      { ...base(), blobs: Array.from({ length: 21 }, () => "b") },
      { ...base(), doubles: Array.from({ length: 21 }, () => 0) },
      { ...base(), indexes: ["i".repeat(97)] },
      { ...base(), blobs: ["x".repeat(AE_LIMITS.blobBytes + 1)] },
      base(),
    ]);
    expect(writes).toEqual([base()]);
    expect(engine).toMatchObject({
      forwarded: 1,
      skipped: { tooManyBlobs: 1, tooManyDoubles: 1, indexTooLong: 1, blobsTooLarge: 1, invocationLimit: 0 },
    });
  });

  it("never writes more than 250 points in one invocation and counts the rest", () => {
    const { writes, engine } = writeThroughSink(Array.from({ length: 260 }, () => base()));
    expect(writes).toHaveLength(AE_LIMITS.pointsPerInvocation);
    expect(engine.forwarded).toBe(250);
    expect(engine.skipped.invocationLimit).toBe(10);
  });

  it("does not spend the invocation's budget on points it leaves out", () => {
    const oversize = { ...base(), indexes: ["i".repeat(97)] };
    const { writes, engine } = writeThroughSink([
      ...Array.from({ length: 5 }, () => oversize),
      ...Array.from({ length: 250 }, () => base()),
    ]);
    expect(writes).toHaveLength(250);
    expect(engine.skipped).toMatchObject({ indexTooLong: 5, invocationLimit: 0 });
  });

  it("counts a write the binding rejects as failed, and goes on with the next", () => {
    const failing = recordingDataset(env.ANALYTICS!, { failWith: "dataset unavailable" });
    const counts = emptyForwardCounts();
    expect(() => new AnalyticsEngineSink(failing.dataset).send([item(base(), 1), item(base(), 2)], counts)).not.toThrow();
    expect(counts.engine).toMatchObject({ forwarded: 0, failed: 2 });
    expect(counts.lastError?.message).toContain("dataset unavailable");
  });
});
