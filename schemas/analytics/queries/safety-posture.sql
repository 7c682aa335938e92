-- Safety posture: verdicts by risk level (blob3) and decision (blob4 = allow|block).
SELECT
  blob3 AS risk_level,
  blob4 AS decision,
  SUM(_sample_interval * double1) AS verdicts
FROM do_tail_events
WHERE blob1 = 'safety_verdict' AND timestamp > NOW() - INTERVAL '7' DAY
GROUP BY risk_level, decision
ORDER BY verdicts DESC
