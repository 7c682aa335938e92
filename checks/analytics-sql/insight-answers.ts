import { expect } from "vitest";
import type { FleetHealth, FleetInsight, MonitorInsight } from "../../tail-worker/insights/insight-shapes";

/**
 * /insights answered from Analytics Engine (the Worker's queries run on ClickHouse) against the
 * same request answered from the archive. They must agree:
 *
 * - counts, uptime % and average latency to 1e-9 (relative): both add weighted numbers, in
 *   another order, and the fleet's overall figures are combined from per-monitor ones;
 * - p95 latencies exactly: both take the weighted nearest rank, with whole-number weights here
 *   (a `sampleRate` that is not whole is rounded in Analytics Engine's weights, and the archive
 *   answers within 1% past 1,000 values per region: neither happens in this check);
 * - the newest heartbeats as far as a data point keeps them: the archive lists each event (id,
 *   millisecond time, every producer field), Analytics Engine each stored row (whole seconds, the
 *   mapped fields, identical checks of one second as one row with their number in
 *   `sampleInterval`). So the archive's list, identical checks folded together, must be the first
 *   rows of Analytics Engine's, each with as many copies as its `sampleInterval` says (the last
 *   may be cut by the limit of 100).
 */
export const RELATIVE_TOLERANCE = 1e-9;

export function same(actual: unknown, expected: unknown): boolean {
  if (typeof actual === "number" && typeof expected === "number")
    return Math.abs(actual - expected) <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(expected));
  return actual === expected;
}

function expectSameHealth(ae: FleetHealth, archive: FleetHealth, where: string): void {
  for (const key of ["heartbeats", "failures", "uptimePercent", "avgLatencyMs"] as const) {
    expect(same(ae[key], archive[key]), `${where} ${key}: Analytics Engine ${ae[key]}, archive ${archive[key]}`).toBe(true);
  }
}

export function expectSameFleet(ae: FleetInsight, archive: FleetInsight): void {
  expect(ae.monitors.map((m) => m.monitorId)).toEqual(archive.monitors.map((m) => m.monitorId));
  for (const [i, monitor] of ae.monitors.entries()) expectSameHealth(monitor, archive.monitors[i]!, monitor.monitorId);
  expectSameHealth(ae.overall, archive.overall, "overall");
}

/** Answers how many listed Analytics Engine rows stood for several checks, or for sampled ones. */
export function expectSameMonitor(ae: MonitorInsight, archive: MonitorInsight): { folded: number; sampled: number } {
  expect(
    same(ae.uptimePercent, archive.uptimePercent),
    `uptime: Analytics Engine ${ae.uptimePercent}, archive ${archive.uptimePercent}`,
  ).toBe(true);
  expect(ae.p95LatencyByRegion).toEqual(archive.p95LatencyByRegion);

  const groups: { point: Record<string, unknown>; copies: number }[] = [];
  for (const heartbeat of archive.heartbeats) {
    const point = asDataPoint(heartbeat);
    const last = groups.at(-1);
    if (last && JSON.stringify(last.point) === JSON.stringify(point)) last.copies++;
    else groups.push({ point, copies: 1 });
  }
  expect(ae.heartbeats.length).toBeGreaterThanOrEqual(groups.length);
  for (const [i, { point, copies }] of groups.entries()) {
    const { sampleInterval = 1, ...row } = ae.heartbeats[i]!;
    expect(row, `heartbeat ${i}`).toEqual(point);
    if (i < groups.length - 1) expect(sampleInterval, `copies of heartbeat ${i}`).toBe(copies);
    else expect(sampleInterval).toBeGreaterThanOrEqual(copies);
  }
  return {
    folded: ae.heartbeats.filter((h) => h.sampleInterval !== undefined).length,
    sampled: ae.heartbeats.filter((h) => h.sampleRate !== undefined).length,
  };
}

/** An archived heartbeat as its data point keeps it. */
function asDataPoint(heartbeat: Record<string, unknown>): Record<string, unknown> {
  const { id, timestamp, statusCode, error, sampleRate, ...fields } = heartbeat;
  return {
    ...fields,
    timestamp: Math.floor((timestamp as number) / 1000) * 1000,
    statusCode: statusCode ?? 0,
    ...(error === undefined || error === "" ? {} : { error }),
    ...(sampleRate === undefined || sampleRate === 1 ? {} : { sampleRate }),
  };
}
