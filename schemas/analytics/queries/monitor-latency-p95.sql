-- Monitor latency: p95 check latency (double1 = latencyMs) per monitor (blob2) and region (blob4),
-- answered checks only (a timeout's latency is the timeout).
SELECT
  blob2 AS monitor_id,
  blob4 AS region,
  quantileExactWeighted(0.95)(double1, toUInt32(round(_sample_interval * double4))) AS p95_latency_ms,
  SUM(double1 * _sample_interval * double4) / SUM(_sample_interval * double4) AS avg_latency_ms
FROM do_tail_events
WHERE blob1 = 'heartbeat' AND double2 = 1 AND timestamp > NOW() - INTERVAL '24' HOUR
GROUP BY monitor_id, region
ORDER BY p95_latency_ms DESC
