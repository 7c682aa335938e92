import { describe, expect, it } from "vitest";
import fleetSql from "../schemas/analytics/queries/monitor-fleet.sql";
import recentSql from "../schemas/analytics/queries/monitor-recent-heartbeats.sql";
import regionsSql from "../schemas/analytics/queries/monitor-regions.sql";
import { QueryDialectError, toAnalyticsSql } from "../tail-worker/insights/analytics-engine/sql-dialect";
import { RECENT_HEARTBEATS } from "../tail-worker/insights/insight-shapes";

// The query files, as the Worker sends them through the Analytics SQL binding (sql-dialect.ts).

const TABLE = 'FROM events.analyticsEngine."do_tail_events"';

describe("toAnalyticsSql", () => {
  it("names the dataset, lets the API weight SUM, names the sample interval sampleInterval and drops comments", () => {
    const { query, params } = toAnalyticsSql(fleetSql, "do_tail_events", { windowSeconds: 3600 });
    expect(params).toEqual({});
    expect(query).toContain(TABLE);
    expect(query).not.toMatch(/_sample_interval|do_tail_events\b(?!")|--|\{\{/);
    expect(query).toContain("SUM(double4) AS checks");
    expect(query).toContain("100 * SUM(double2 * double4) / SUM(double4) AS uptime_percent");
    expect(query).toContain("SUM(IF(blob5 = 'down', double4, 0)) AS failed_checks");
    expect(query).toContain("timestamp > NOW() - INTERVAL '3600' SECOND");

    const regions = toAnalyticsSql(regionsSql, "do_tail_events", { monitorId: "mon_a", windowSeconds: 86400 }).query;
    expect(regions).toContain("quantileExactWeighted(0.95)(double1, toUInt32(round(sampleInterval * double4)))");
    const recent = toAnalyticsSql(recentSql, "do_tail_events", { monitorId: "mon_a", windowSeconds: 60 }).query;
    expect(recent).toContain("sampleInterval AS sample_interval");
    expect(recent).toContain(`LIMIT ${RECENT_HEARTBEATS}`);
  });

  it("binds string parameters, so that no value given to the Worker is ever SQL text", () => {
    const hostile = "x' OR '1'='1' --";
    const { query, params } = toAnalyticsSql(regionsSql, "do_tail_events", { monitorId: hostile, windowSeconds: 86400 });
    expect(query).toContain("index1 = $monitorId");
    expect(query).not.toContain("OR '1'");
    expect(params).toEqual({ monitorId: hostile });
  });

  it("refuses what it cannot turn safely", () => {
    const refuse = (source: string, params: Record<string, string | number> = {}, dataset = "do_tail_events") =>
      expect(() => toAnalyticsSql(source, dataset, params)).toThrow(QueryDialectError);
    // COUNT and AVG are weighted by one dialect and not the other.
    refuse("SELECT COUNT() FROM do_tail_events WHERE timestamp > NOW() - INTERVAL '1' HOUR");
    refuse("SELECT AVG(double1) FROM do_tail_events WHERE timestamp > NOW() - INTERVAL '1' HOUR");
    // A SUM not weighted by the sample interval would become weighted.
    refuse("SELECT SUM(double1) FROM do_tail_events WHERE timestamp > NOW() - INTERVAL '1' HOUR");
    refuse("SELECT SUM(_sample_interval) FROM do_tail_events WHERE timestamp > NOW() - INTERVAL '1' HOUR");
    // Parameters: missing, a string where it cannot be bound, a number that is not whole.
    refuse(regionsSql, { windowSeconds: 60 });
    refuse("SELECT SUM(_sample_interval * double4) FROM do_tail_events WHERE blob2 = {{id}}", { id: "a" });
    refuse(recentSql, { monitorId: "m", windowSeconds: 1.5 });
    refuse(recentSql, { monitorId: "m", windowSeconds: -60 });
    // The dataset is written into the SQL: only a plain name.
    refuse(fleetSql, { windowSeconds: 60 }, 'x" UNION');
    refuse("SELECT SUM(_sample_interval * double4) FROM other_dataset");
  });
});
