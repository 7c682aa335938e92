-- Dashboard cards: per org (blob3), uptime, average latency and failed checks in the last hour.
SELECT
  blob3 AS org_id,
  100 * SUM(double2 * _sample_interval * double4) / SUM(_sample_interval * double4) AS uptime_percent,
  SUM(double1 * _sample_interval * double4) / SUM(_sample_interval * double4) AS avg_latency_ms,
  SUM(IF(blob5 = 'down', _sample_interval * double4, 0)) AS failed_checks
FROM do_tail_events
WHERE blob1 = 'heartbeat' AND timestamp > NOW() - INTERVAL '1' HOUR
GROUP BY org_id
ORDER BY uptime_percent
