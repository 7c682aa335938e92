-- Artifact builds: queued, succeeded and failed per hour (the blob-only compile counters).
SELECT
  toStartOfInterval(timestamp, INTERVAL '1' HOUR) AS hour,
  SUM(IF(blob1 = 'artifact_compile_queued', _sample_interval * double1, 0)) AS queued,
  SUM(IF(blob1 = 'artifact_compile_success', _sample_interval * double1, 0)) AS succeeded,
  SUM(IF(blob1 = 'artifact_compile_failed', _sample_interval * double1, 0)) AS failed
FROM do_tail_events
WHERE blob1 IN ('artifact_compile_queued', 'artifact_compile_success', 'artifact_compile_failed')
  AND timestamp > NOW() - INTERVAL '1' DAY
GROUP BY hour
ORDER BY hour
