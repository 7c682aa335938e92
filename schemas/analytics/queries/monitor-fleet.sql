-- Fleet: per monitor (blob2), its checks, uptime % (double2 = available), average latency
-- (double1, every check) and failed checks (blob5 = down) over a window. /insights/fleet and the
-- dashboard's uptime panel read it when Analytics Engine answers them (docs/ANALYTICS.md).
-- param windowSeconds = 3600
SELECT
  blob2 AS monitor_id,
  SUM(_sample_interval * double4) AS checks,
  100 * SUM(double2 * _sample_interval * double4) / SUM(_sample_interval * double4) AS uptime_percent,
  SUM(double1 * _sample_interval * double4) / SUM(_sample_interval * double4) AS avg_latency_ms,
  SUM(IF(blob5 = 'down', _sample_interval * double4, 0)) AS failed_checks
FROM do_tail_events
WHERE blob1 = 'heartbeat' AND timestamp > NOW() - INTERVAL '{{windowSeconds}}' SECOND
GROUP BY blob2
ORDER BY monitor_id
