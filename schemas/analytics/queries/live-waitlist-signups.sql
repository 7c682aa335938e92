-- Live waitlist: signups per day by plan (blob2); sessions are blob3.
SELECT
  toStartOfInterval(timestamp, INTERVAL '1' DAY) AS day,
  blob2 AS plan,
  SUM(_sample_interval * double1) AS signups
FROM do_tail_events
WHERE blob1 = 'live_waitlist' AND timestamp > NOW() - INTERVAL '30' DAY
GROUP BY day, plan
ORDER BY day, plan
