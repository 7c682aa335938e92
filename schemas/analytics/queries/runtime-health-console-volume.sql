-- Runtime health: player console volume by level. A point stands for _sample_interval * double3
-- reported lines (Analytics Engine's sampling times do-tail's tail sampling); producers report a
-- share of lines (double2 = the event's own sampleRate), so it stands for that / double2 lines.
SELECT
  blob2 AS level,
  SUM(_sample_interval * double3) AS reported_lines,
  SUM(_sample_interval * double3 / IF(double2 > 0, double2, 1)) AS estimated_lines
FROM do_tail_events
WHERE blob1 = 'player_console_log' AND timestamp > NOW() - INTERVAL '1' DAY
GROUP BY level
ORDER BY estimated_lines DESC
