-- Safety posture: blocked code by hash (index1 = codeHash), with its tags and reasons.
SELECT
  index1 AS code_hash,
  blob2 AS entry_path,
  blob5 AS tags,
  blob6 AS reasons,
  SUM(_sample_interval * double1) AS blocks,
  MAX(timestamp) AS last_blocked
FROM do_tail_events
WHERE blob1 = 'safety_verdict' AND blob4 = 'block' AND timestamp > NOW() - INTERVAL '7' DAY
GROUP BY code_hash, entry_path, tags, reasons
ORDER BY last_blocked DESC
LIMIT 100
