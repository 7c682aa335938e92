/**
 * The questions of SQL_EXAMPLES (examples.mjs) in Basin SQL, over the Iceberg table `do_tail.events`
 * that a Basin pipeline fills from do-tail's stream (schemas/basin/stream-schema.json), plus one the
 * promoted invocation columns answer. The README shows each verbatim (readme.test.mjs checks it).
 *
 * Adapted to the record and the dialect: columns are snake_case; `data` is JSON text, read with
 * json_get_str / json_get_int / json_get_float / json_get_json; a select alias cannot be used in
 * another expression of the same SELECT, so sums are written out; `if` is CASE WHEN. Percentiles
 * are approx_percentile_cont, which Basin SQL lists, unweighted: exact while tail sampling is off
 * (every sample_rate is 1). No engine of Basin SQL's runs here: these are checked against its
 * documentation only (README, "What could not be checked here").
 */
export const BASIN_TABLE = "do_tail.events";

export const BASIN_SQL_EXAMPLES = [
  {
    name: "error-rate-by-message-type",
    question: "Error rate by message type",
    sql: `SELECT
  message_type,
  sum(sample_rate) AS total,
  sum(CASE WHEN json_get_str(data, 'disconnectReason') <> 'normal_close' THEN sample_rate ELSE 0 END) AS errors,
  sum(CASE WHEN json_get_str(data, 'disconnectReason') <> 'normal_close' THEN sample_rate ELSE 0 END) / sum(sample_rate) AS error_rate
FROM (
  SELECT sample_rate, data, unnest(json_object_keys(json_get_json(data, 'messagesByType'))) AS message_type
  FROM do_tail.events
  WHERE type = 'ws_session_end'
)
GROUP BY message_type
ORDER BY error_rate DESC`,
  },
  {
    name: "p99-duration-by-colo",
    question: "P99 session duration (seconds) by region",
    sql: `SELECT
  json_get_str(data, 'colo') AS colo,
  approx_percentile_cont(0.99) WITHIN GROUP (ORDER BY json_get_float(data, 'duration')) AS p99_duration
FROM do_tail.events
WHERE type = 'ws_session_end'
GROUP BY json_get_str(data, 'colo')
ORDER BY colo`,
  },
  {
    name: "sessions-with-hash-mismatches",
    question: "Sessions with state hash mismatches",
    sql: `SELECT *
FROM do_tail.events
WHERE type = 'ws_session_end'
  AND json_get_int(data, 'hashMismatchCount') > 0
ORDER BY json_get_int(data, 'disconnectedAt') DESC
LIMIT 100`,
  },
  {
    name: "player-session-history",
    question: "One player's session history",
    sql: `SELECT *
FROM do_tail.events
WHERE type = 'ws_session_end'
  AND json_get_str(data, 'playerId') = 'abc123'
ORDER BY json_get_int(data, 'connectedAt') DESC`,
  },
  {
    name: "run-outcomes-by-hour",
    question: "Runtime health: run success vs fail/kill rates per hour",
    sql: `SELECT
  date_trunc('hour', timestamp) AS hour,
  sum(sample_rate) AS runs,
  sum(CASE WHEN json_get_str(data, 'status') = 'success' THEN sample_rate ELSE 0 END) / sum(sample_rate) AS success_rate,
  sum(CASE WHEN json_get_str(data, 'status') = 'failed' THEN sample_rate ELSE 0 END) / sum(sample_rate) AS fail_rate,
  sum(CASE WHEN json_get_str(data, 'status') = 'killed' THEN sample_rate ELSE 0 END) / sum(sample_rate) AS kill_rate
FROM do_tail.events
WHERE type = 'run_complete'
GROUP BY date_trunc('hour', timestamp)
ORDER BY hour`,
  },
  {
    name: "capsule-error-rates",
    question: "Runtime health: top capsules by error rate",
    sql: `SELECT
  json_get_str(data, 'capsuleId') AS capsule_id,
  sum(sample_rate) AS runs,
  sum(CASE WHEN json_get_str(data, 'status') <> 'success' THEN sample_rate ELSE 0 END) AS failed_runs,
  sum(CASE WHEN json_get_str(data, 'status') <> 'success' THEN sample_rate ELSE 0 END) / sum(sample_rate) AS error_rate
FROM do_tail.events
WHERE type = 'run_complete'
GROUP BY json_get_str(data, 'capsuleId')
ORDER BY error_rate DESC, capsule_id
LIMIT 20`,
  },
  {
    name: "console-volume-by-level",
    question: "Runtime health: player console volume by level",
    sql: `SELECT
  json_get_str(data, 'level') AS console_level,
  sum(sample_rate) AS reported_lines,
  sum(sample_rate / json_get_float(data, 'sampleRate')) AS estimated_lines
FROM do_tail.events
WHERE type = 'player_console_log'
GROUP BY json_get_str(data, 'level')
ORDER BY estimated_lines DESC`,
  },
  {
    name: "invocations-by-script",
    question: "Every producer: invocations, error rate and p99 wall time by script (the promoted columns)",
    sql: `SELECT
  script,
  sum(sample_rate) AS invocations,
  sum(CASE WHEN outcome <> 'ok' OR http_status >= 500 THEN sample_rate ELSE 0 END) / sum(sample_rate) AS error_rate,
  approx_percentile_cont(0.99) WITHIN GROUP (ORDER BY wall_time_ms) AS p99_wall_ms
FROM do_tail.events
WHERE kind = 'invocation'
  AND timestamp >= '2026-11-01T00:00:00Z'
GROUP BY script
ORDER BY error_rate DESC`,
  },
];
