-- Runtime events: frequency by runtime event name (blob1) and runtime type (blob4). Rows of this
-- kind carry blob8 = 'runtime_event' (blob1 is the runtime's own event name).
SELECT
  blob1 AS event,
  blob4 AS runtime_type,
  SUM(_sample_interval * double3) AS events,
  SUM(double2 * _sample_interval * double3) AS errors
FROM do_tail_events
WHERE blob8 = 'runtime_event' AND timestamp > NOW() - INTERVAL '1' DAY
GROUP BY event, runtime_type
ORDER BY events DESC
