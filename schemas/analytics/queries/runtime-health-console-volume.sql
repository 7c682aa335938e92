-- Runtime health: player console volume by level. Producers report a sample of lines (double2 =
-- sampleRate), so each point stands for _sample_interval / sampleRate lines.
SELECT
  blob2 AS level,
  SUM(_sample_interval) AS reported_lines,
  SUM(_sample_interval / IF(double2 > 0, double2, 1)) AS estimated_lines
FROM do_tail_events
WHERE blob1 = 'player_console_log' AND timestamp > NOW() - INTERVAL '1' DAY
GROUP BY level
ORDER BY estimated_lines DESC
