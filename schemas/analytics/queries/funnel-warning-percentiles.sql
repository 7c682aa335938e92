-- Import/publish funnel: warningCount (double3) percentiles, to catch noisy uploads.
SELECT
  blob1 AS step,
  quantileWeighted(0.5)(double3, _sample_interval) AS p50_warnings,
  quantileWeighted(0.9)(double3, _sample_interval) AS p90_warnings,
  quantileWeighted(0.99)(double3, _sample_interval) AS p99_warnings
FROM do_tail_events
WHERE blob1 IN ('import', 'publish') AND timestamp > NOW() - INTERVAL '7' DAY
GROUP BY step
