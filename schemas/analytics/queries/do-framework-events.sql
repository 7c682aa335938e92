-- DO framework: volume, failure rate and p95 duration (double1, ms) per namespaced event
-- (index1 = namespace, blob1 = event, double2 = failed).
SELECT
  index1 AS namespace,
  blob1 AS event,
  SUM(_sample_interval * double4) AS events,
  SUM(double2 * _sample_interval * double4) / SUM(_sample_interval * double4) AS failure_rate,
  quantileExactWeighted(0.95)(double1, toUInt32(round(_sample_interval * double4))) AS p95_duration_ms
FROM do_tail_events
WHERE index1 IN ('DO.Lifecycle', 'RPC', 'CDC', 'AI', 'Workflow', 'Agent', 'Execution', 'Storage', 'Connection',
                 'Schedule', 'Financial', 'Communication', 'Telephony')
  AND timestamp > NOW() - INTERVAL '1' DAY
GROUP BY namespace, event
ORDER BY events DESC
