-- Runtime health: run success vs fail/kill rates per hour (run_complete, blob2 = status).
SELECT
  toStartOfInterval(timestamp, INTERVAL '1' HOUR) AS hour,
  SUM(_sample_interval * double2) AS runs,
  SUM(IF(blob2 = 'success', _sample_interval * double2, 0)) / SUM(_sample_interval * double2) AS success_rate,
  SUM(IF(blob2 = 'failed', _sample_interval * double2, 0)) / SUM(_sample_interval * double2) AS fail_rate,
  SUM(IF(blob2 = 'killed', _sample_interval * double2, 0)) / SUM(_sample_interval * double2) AS kill_rate
FROM do_tail_events
WHERE blob1 = 'run_complete' AND timestamp > NOW() - INTERVAL '1' DAY
GROUP BY hour
ORDER BY hour
