-- Monitor uptime: % of checks answered (double2 = available: up or degraded) per monitor
-- (blob2) and region (blob4) over the last 24 hours, weighted by the sample interval.
SELECT
  blob2 AS monitor_id,
  blob4 AS region,
  SUM(_sample_interval * double4) AS checks,
  100 * SUM(double2 * _sample_interval * double4) / SUM(_sample_interval * double4) AS uptime_percent
FROM do_tail_events
WHERE blob1 = 'heartbeat' AND timestamp > NOW() - INTERVAL '24' HOUR
GROUP BY monitor_id, region
ORDER BY uptime_percent, monitor_id, region
