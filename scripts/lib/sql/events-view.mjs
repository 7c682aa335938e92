/**
 * The `events` view that SQL over the archive runs against, in DuckDB: one row per archived event
 * (schemas/event-envelope.ts) with the envelope's fields typed and `data` as JSON, so that
 * `data->>'durationMs'` and DuckDB's JSON functions work. `npm run archives -- sql` and the tests'
 * DuckDB bridge (test/engines/duckdb-bridge.mjs) both build the view from here, so the SQL the
 * README shows is tested against the view users get.
 *
 * Objects are read with a fixed column list rather than by inference, so that every object gives
 * the same types whatever fields its events happen to have; a field an event lacks is NULL.
 */

/** Each envelope field as read from the JSON (read_json's `columns`). */
const JSON_COLUMNS = {
  id: "VARCHAR",
  invocationId: "VARCHAR",
  type: "VARCHAR",
  kind: "VARCHAR",
  importance: "INTEGER",
  timestamp: "DOUBLE",
  script: "VARCHAR",
  namespace: "VARCHAR",
  level: "VARCHAR",
  channel: "VARCHAR",
  text: "VARCHAR",
  parseError: "VARCHAR",
  truncated: "JSON",
  validation: "JSON",
  sampleRate: "DOUBLE",
  data: "JSON",
};

/**
 * The view's columns in order, with their types and what they hold: the README's table of them is
 * checked against this list (scripts/lib/sql/readme.test.mjs).
 */
export const EVENT_COLUMNS = [
  ["id", "VARCHAR", "`<invocationId>-<position>`"],
  ["invocationId", "VARCHAR", "shared by the events of one producer invocation"],
  ["type", "VARCHAR", "`_event`, or derived from the kind (`console.log`, `exception`, …)"],
  ["kind", "VARCHAR", "`invocation`, `log`, `exception` or `diagnostic`"],
  ["importance", "INTEGER", "0 CRITICAL … 3 LOW"],
  ["timestamp", "TIMESTAMP", "the event's time, UTC"],
  ["timestampMs", "BIGINT", "the same, milliseconds since the epoch"],
  ["script", "VARCHAR", "producer script (NULL in local development)"],
  ["namespace", "VARCHAR", "DO-framework namespace, or NULL"],
  ["level", "VARCHAR", "console level of logs"],
  ["channel", "VARCHAR", "diagnostics channel"],
  ["text", "VARCHAR", "a log kept as text"],
  ["parseError", "VARCHAR", "why it was kept as text"],
  ["truncated", "JSON", "`{originalBytes, maxBytes}` when the event was shortened"],
  ["validation", "JSON", "`{schema, issues}` when the event failed its catalog schema"],
  ["sampleRate", "DOUBLE", "how many events this one stands for (1 when unsampled)"],
  ["data", "JSON", "the producer's fields, unchanged"],
  ["archiveKey", "VARCHAR", "the R2 object the event came from"],
];

/** A SQL string literal. */
export const sqlString = (text) => `'${String(text).replaceAll("'", "''")}'`;

const columnsStruct = `{${Object.entries(JSON_COLUMNS)
  .map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`)
  .join(", ")}}`;

/** read_json over files, each a JSON array of events, with the fixed columns (plus `filename`). */
function readEvents(paths) {
  return `read_json([${paths.map(sqlString).join(", ")}], format = 'array', columns = ${columnsStruct}, filename = true)`;
}

/**
 * A query that reads one object the way the view will, every column of it, and fails with
 * DuckDB's error when the object cannot be read (broken JSON, a lone surrogate escape, a field of
 * the wrong type). Run it once per object before putting the object in the view.
 */
export function checkObjectSql(path) {
  return `SELECT count(*) AS events, count(COLUMNS(*)) FROM ${readEvents([path])}`;
}

/** Where the view expects the object with archive key `key`: `<root>/<key>`. */
export const objectPath = (root, key) => `${root.replace(/\/+$/, "")}/${key}`;

/**
 * `CREATE OR REPLACE TEMP VIEW events` over the objects with the given archive keys, each stored
 * at objectPath(root, key). `range` ({ since, until } in epoch ms, each optional) keeps only the
 * events inside it.
 */
export function createEventsViewSql(root, keys, range = {}) {
  const conditions = [];
  if (range.since !== undefined) conditions.push(`timestamp >= ${Number(range.since)}`);
  if (range.until !== undefined) conditions.push(`timestamp <= ${Number(range.until)}`);
  const source =
    keys.length === 0
      ? // No object: the same columns, no rows.
        `(SELECT ${Object.entries(JSON_COLUMNS)
          .map(([name, type]) => `NULL::${type} AS "${name}"`)
          .join(", ")}, NULL::VARCHAR AS filename WHERE false)`
      : readEvents(keys.map((key) => objectPath(root, key)));
  return `CREATE OR REPLACE TEMP VIEW events AS
SELECT
  id, invocationId, type, kind, importance,
  epoch_ms(CAST(timestamp AS BIGINT)) AS timestamp,
  CAST(timestamp AS BIGINT) AS timestampMs,
  script, namespace, level, channel, text, parseError, truncated, validation,
  coalesce(sampleRate, 1) AS sampleRate,
  data,
  substr(filename, ${objectPath(root, "").length + 1}) AS archiveKey
FROM ${source}${conditions.length === 0 ? "" : `\nWHERE ${conditions.join(" AND ")}`}`;
}
