-- Runtime health: capsules with the most failed or killed runs, and their error rate
-- (run_complete, index1 = capsuleId).
SELECT
  index1 AS capsule_id,
  SUM(_sample_interval * double2) AS runs,
  SUM(IF(blob2 != 'success', _sample_interval * double2, 0)) AS failed_runs,
  SUM(IF(blob2 != 'success', _sample_interval * double2, 0)) / SUM(_sample_interval * double2) AS error_rate
FROM do_tail_events
WHERE blob1 = 'run_complete' AND timestamp > NOW() - INTERVAL '1' DAY
GROUP BY capsule_id
ORDER BY failed_runs DESC, error_rate DESC
LIMIT 20
