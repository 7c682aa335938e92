-- Import/publish funnel: warningCount (double3) percentiles, to catch noisy uploads.
SELECT
  blob1 AS step,
  quantileExactWeighted(0.5)(double3, toUInt32(round(_sample_interval * double4))) AS p50_warnings,
  quantileExactWeighted(0.9)(double3, toUInt32(round(_sample_interval * double4))) AS p90_warnings,
  quantileExactWeighted(0.99)(double3, toUInt32(round(_sample_interval * double4))) AS p99_warnings
FROM do_tail_events
WHERE blob1 IN ('import', 'publish') AND timestamp > NOW() - INTERVAL '7' DAY
GROUP BY step
