import { chance, latency, pick } from "../../lib/random";
import { type Correlation, WideEvent } from "../../lib/wide-event";
import { MONITORS, type Monitor, REGIONS } from "./monitors";

const TIMEOUT_MS = 10_000;

export interface RoundSummary {
  dispatchId: string;
  checks: number;
  up: number;
  degraded: number;
  down: number;
}

/**
 * One dispatch round: every monitor checked from every region, one `heartbeat` each. Checks are
 * simulated (this example has no network to probe): latency and failures follow each monitor's
 * profile. `invalid` makes one heartbeat's latencyMs a string, a deliberately invalid event.
 */
export function runRound(correlation: Correlation, invalid: boolean): RoundSummary {
  const dispatchId = `disp_${Date.now().toString(36)}_${crypto.randomUUID().slice(0, 6)}`;
  const summary: RoundSummary = { dispatchId, checks: 0, up: 0, degraded: 0, down: 0 };
  for (const monitor of MONITORS) {
    for (const region of REGIONS) {
      const check = simulateCheck(monitor, region);
      summary.checks++;
      summary[check.status]++;
      const corrupt = invalid && summary.checks === 1;
      new WideEvent("heartbeat", correlation, {
        monitorId: monitor.id,
        orgId: monitor.orgId,
        region,
        status: check.status,
        latencyMs: corrupt ? (`${check.latencyMs}` as unknown as number) : check.latencyMs,
        dispatchId,
        url: monitor.url,
        ...(check.statusCode === undefined ? {} : { statusCode: check.statusCode }),
        ...(check.error === undefined ? {} : { error: check.error }),
        outcome: check.status === "down" ? "error" : "ok",
      }).emit();
    }
  }
  return summary;
}

interface Check {
  status: "up" | "degraded" | "down";
  latencyMs: number;
  statusCode?: number;
  error?: string;
}

function simulateCheck(monitor: Monitor, region: string): Check {
  const downRate = monitor.downRate[region] ?? monitor.downRate.default;
  if (chance(downRate)) {
    return chance(0.5)
      ? { status: "down", latencyMs: TIMEOUT_MS, error: `timed out after ${TIMEOUT_MS} ms` }
      : { status: "down", latencyMs: latency(monitor.typicalMs), statusCode: pick([500, 502, 503]), error: "unhealthy status" };
  }
  const latencyMs = latency(monitor.typicalMs);
  return { status: latencyMs > monitor.degradedAboveMs ? "degraded" : "up", latencyMs, statusCode: 200 };
}
