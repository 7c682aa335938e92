-- Monitor detail: one monitor's (index1) checks per region (blob4), answered (double2 = 1) and
-- not, over a window, with the p95 latency (double1) of each: a region's uptime is its answered
-- share, and its p95 latency that of its answered checks (a timeout's latency is the timeout).
-- /insights/monitors/:id reads it when Analytics Engine answers it (docs/ANALYTICS.md).
-- param monitorId = mon_checkout_api
-- param windowSeconds = 86400
SELECT
  blob4 AS region,
  double2 AS available,
  SUM(_sample_interval * double4) AS checks,
  quantileExactWeighted(0.95)(double1, toUInt32(round(_sample_interval * double4))) AS p95_latency_ms
FROM do_tail_events
WHERE blob1 = 'heartbeat' AND index1 = '{{monitorId}}' AND timestamp > NOW() - INTERVAL '{{windowSeconds}}' SECOND
GROUP BY blob4, double2
ORDER BY region, available
