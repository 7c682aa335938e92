-- Monitor detail: the last 100 heartbeats of one monitor (index1 = monitorId).
-- param monitorId = mon_checkout_api
SELECT
  timestamp,
  blob4 AS region,
  blob5 AS status,
  double1 AS latency_ms,
  double3 AS status_code,
  blob6 AS dispatch_id,
  blob7 AS error
FROM do_tail_events
WHERE blob1 = 'heartbeat' AND index1 = '{{monitorId}}'
ORDER BY timestamp DESC
LIMIT 100
