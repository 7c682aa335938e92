-- Runtime events: top error codes (blob6) among error events (double2 = isErrorFlag).
SELECT
  blob6 AS code,
  SUM(_sample_interval * double3) AS errors
FROM do_tail_events
WHERE blob8 = 'runtime_event' AND double2 = 1 AND timestamp > NOW() - INTERVAL '1' DAY
GROUP BY code
ORDER BY errors DESC
LIMIT 20
