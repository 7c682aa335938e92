-- Import/publish funnel: counts, outcomes and uploaded bytes (double1 = totalSizeBytes) by plan.
SELECT
  blob1 AS step,
  blob3 AS plan,
  blob2 AS outcome,
  SUM(_sample_interval * double4) AS uploads,
  SUM(double1 * _sample_interval * double4) AS total_size_bytes
FROM do_tail_events
WHERE blob1 IN ('import', 'publish') AND timestamp > NOW() - INTERVAL '7' DAY
GROUP BY step, plan, outcome
ORDER BY plan, step, outcome
