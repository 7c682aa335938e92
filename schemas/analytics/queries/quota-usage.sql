-- Run quota: users closest to their monthly run limit (double2 = percentUsed), by plan.
SELECT
  blob3 AS user_id,
  blob2 AS plan,
  MAX(double1) AS runs_this_month,
  MAX(double2) AS percent_used
FROM do_tail_events
WHERE blob1 = 'run_quota_observation' AND timestamp > NOW() - INTERVAL '1' DAY
GROUP BY user_id, plan
ORDER BY percent_used DESC
LIMIT 20
