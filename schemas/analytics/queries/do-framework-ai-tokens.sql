-- DO framework: AI tokens (double3 = quantity) and generation failures per model (blob5 = subject).
SELECT
  blob5 AS model,
  SUM(IF(blob1 = 'AI.Generation.completed', double3 * _sample_interval * double4, 0)) AS tokens,
  SUM(IF(blob1 = 'AI.Generation.failed', _sample_interval * double4, 0)) AS failures,
  quantileExactWeighted(0.95)(double1, toUInt32(round(_sample_interval * double4))) AS p95_duration_ms
FROM do_tail_events
WHERE index1 = 'AI' AND blob1 IN ('AI.Generation.completed', 'AI.Generation.failed') AND timestamp > NOW() - INTERVAL '1' DAY
GROUP BY model
ORDER BY tokens DESC
