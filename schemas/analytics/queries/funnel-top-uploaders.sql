-- Import/publish funnel: the users (index1 = userId) who upload most, and how much.
SELECT
  index1 AS user_id,
  SUM(IF(blob1 = 'import', _sample_interval * double4, 0)) AS imports,
  SUM(IF(blob1 = 'publish', _sample_interval * double4, 0)) AS publishes,
  SUM(double1 * _sample_interval * double4) AS total_size_bytes
FROM do_tail_events
WHERE blob1 IN ('import', 'publish') AND timestamp > NOW() - INTERVAL '7' DAY
GROUP BY user_id
ORDER BY total_size_bytes DESC
LIMIT 20
