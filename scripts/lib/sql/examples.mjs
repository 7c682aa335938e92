/**
 * The questions of the observability document (Appendix C) and of the Workers API document's
 * runtime-health dashboard, as `npm run archives -- sql` runs them. The README shows each one
 * verbatim (scripts/lib/sql/readme.test.mjs checks it) and test/archive-sql.test.ts proves their
 * answers against /query and against counts made by hand over the same archive.
 *
 * Adapted from the documents only where DuckDB or the archive's shape needs it: fields of the
 * producer's event are `data->>'field'` (text; cast for numbers); COUNT(*) becomes
 * sum(sampleRate), because a tail-sampled event stands for sampleRate events; the message types
 * of a session are the keys of its `messagesByType`; APPROX_PERCENTILE becomes the exact weighted
 * nearest rank that /query uses. In DuckDB `->>` binds more loosely than AND and OR: a
 * condition on it goes in parentheses, `AND (data->>'playerId') = 'abc123'`.
 */
export const SQL_EXAMPLES = [
  {
    name: "error-rate-by-message-type",
    question: "Error rate by message type (sessions that sent the type; an error is a session that did not close normally)",
    sql: `SELECT
  messageType,
  sum(sampleRate) AS total,
  sum(if(data->>'disconnectReason' != 'normal_close', sampleRate, 0)) AS errors,
  errors / total AS error_rate
FROM events, unnest(json_keys(data->'messagesByType')) AS m(messageType)
WHERE type = 'ws_session_end'
GROUP BY messageType
ORDER BY error_rate DESC`,
  },
  {
    name: "p99-duration-by-colo",
    question: "P99 session duration (seconds) by region",
    sql: `SELECT colo, min(duration) FILTER (WHERE seen >= 0.99 * total) AS p99_duration
FROM (
  SELECT
    data->>'colo' AS colo,
    (data->>'duration')::DOUBLE AS duration,
    sum(sampleRate) OVER (PARTITION BY colo ORDER BY duration) AS seen,
    sum(sampleRate) OVER (PARTITION BY colo) AS total
  FROM events
  WHERE type = 'ws_session_end'
)
GROUP BY colo
ORDER BY colo`,
  },
  {
    name: "sessions-with-hash-mismatches",
    question: "Sessions with state hash mismatches",
    sql: `SELECT *
FROM events
WHERE type = 'ws_session_end'
  AND (data->>'hashMismatchCount')::INTEGER > 0
ORDER BY (data->>'disconnectedAt')::BIGINT DESC
LIMIT 100`,
  },
  {
    name: "player-session-history",
    question: "One player's session history",
    sql: `SELECT *
FROM events
WHERE type = 'ws_session_end'
  AND (data->>'playerId') = 'abc123'
ORDER BY (data->>'connectedAt')::BIGINT DESC`,
  },
  {
    name: "run-outcomes-by-hour",
    question: "Runtime health: run success vs fail/kill rates per hour (run_complete)",
    sql: `SELECT
  date_trunc('hour', timestamp) AS hour,
  sum(sampleRate) AS runs,
  sum(if(data->>'status' = 'success', sampleRate, 0)) / runs AS success_rate,
  sum(if(data->>'status' = 'failed', sampleRate, 0)) / runs AS fail_rate,
  sum(if(data->>'status' = 'killed', sampleRate, 0)) / runs AS kill_rate
FROM events
WHERE type = 'run_complete'
GROUP BY hour
ORDER BY hour`,
  },
  {
    name: "capsule-error-rates",
    question: "Runtime health: top capsules by error rate",
    sql: `SELECT
  data->>'capsuleId' AS capsuleId,
  sum(sampleRate) AS runs,
  sum(if(data->>'status' != 'success', sampleRate, 0)) AS failed_runs,
  failed_runs / runs AS error_rate
FROM events
WHERE type = 'run_complete'
GROUP BY capsuleId
ORDER BY error_rate DESC, capsuleId
LIMIT 20`,
  },
  {
    name: "console-volume-by-level",
    question: "Runtime health: player console volume by level (the producer reports a share of lines: data.sampleRate)",
    sql: `SELECT
  data->>'level' AS level,
  sum(sampleRate) AS reported_lines,
  sum(sampleRate / (data->>'sampleRate')::DOUBLE) AS estimated_lines
FROM events
WHERE type = 'player_console_log'
GROUP BY data->>'level'
ORDER BY estimated_lines DESC`,
  },
];
