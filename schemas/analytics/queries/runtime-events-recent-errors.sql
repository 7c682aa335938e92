-- Runtime events: the most recent error samples, with capsule, artifact and message.
SELECT
  timestamp,
  blob1 AS event,
  blob2 AS capsule_id,
  blob3 AS artifact_id,
  blob4 AS runtime_type,
  blob6 AS code,
  blob7 AS message
FROM do_tail_events
WHERE blob8 = 'runtime_event' AND double2 = 1 AND timestamp > NOW() - INTERVAL '1' DAY
ORDER BY timestamp DESC
LIMIT 20
