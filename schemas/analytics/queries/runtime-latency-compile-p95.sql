-- Runtime latency: p95 artifact compile time (double2 = elapsedMs) by runtime type (blob3).
SELECT
  blob3 AS runtime_type,
  SUM(_sample_interval * double4) AS compiles,
  quantileExactWeighted(0.95)(double2, toUInt32(round(_sample_interval * double4))) AS p95_elapsed_ms,
  SUM(IF(blob2 = 'failed', _sample_interval * double4, 0)) / SUM(_sample_interval * double4) AS failure_rate
FROM do_tail_events
WHERE blob1 = 'artifact_compile' AND timestamp > NOW() - INTERVAL '1' DAY
GROUP BY runtime_type
ORDER BY p95_elapsed_ms DESC
