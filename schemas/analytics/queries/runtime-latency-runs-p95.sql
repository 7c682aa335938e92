-- Runtime latency: p95 run duration (double1 = durationMs) by capsule and plan.
SELECT
  blob4 AS capsule_id,
  blob3 AS plan,
  SUM(_sample_interval * double2) AS runs,
  quantileExactWeighted(0.95)(double1, toUInt32(round(_sample_interval * double2))) AS p95_duration_ms
FROM do_tail_events
WHERE blob1 = 'run_complete' AND timestamp > NOW() - INTERVAL '1' DAY
GROUP BY capsule_id, plan
ORDER BY p95_duration_ms DESC
LIMIT 50
