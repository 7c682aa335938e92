-- Monitor detail: the last 100 heartbeats of one monitor (index1 = monitorId) in a window, newest
-- first. A row stands for sample_interval identical points (Analytics Engine's sampling keeps one
-- of them) of sample_rate events each (tail sampling).
-- param monitorId = mon_checkout_api
-- param windowSeconds = 7776000
SELECT
  timestamp,
  blob4 AS region,
  blob5 AS status,
  double1 AS latency_ms,
  double3 AS status_code,
  blob3 AS org_id,
  blob6 AS dispatch_id,
  blob7 AS error,
  double4 AS sample_rate,
  _sample_interval AS sample_interval
FROM do_tail_events
WHERE blob1 = 'heartbeat' AND index1 = '{{monitorId}}' AND timestamp > NOW() - INTERVAL '{{windowSeconds}}' SECOND
ORDER BY timestamp DESC
LIMIT 100
