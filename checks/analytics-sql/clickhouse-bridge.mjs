// Vitest global setup of the Analytics Engine SQL check (runs in Node, outside workerd): an
// in-process ClickHouse (chdb, from this check's own node_modules) behind a loopback HTTP server,
// so that the check inside workerd can load the data points the forwarder wrote and run the
// dashboard SQL on a real engine. It also provides the queries of schemas/analytics/queries/,
// prepared as `npm run analytics:sql` prepares them, since workerd cannot read the files.
//
// POST /load   {rows:[{timestamp, _sample_interval, index1, blobs, doubles}]}  → {rows}
//              (re)creates the dataset's table in Analytics Engine's shape and inserts the rows
// POST /query  {sql}                                                              → {rows} | {error}
// POST /analytics-sql {query, params}  the Analytics SQL binding's request, run as that API runs
//              it (analytics-sql-api.mjs)        → {result: {data, rows, statistics}} | {error}
import { Session } from "chdb";
import { DEFAULT_DATASET, loadAnalyticsQueries } from "../../scripts/lib/analytics-queries.mjs";
import { serveJson } from "../../test/engines/loopback-json-server.mjs";
import { SQL_API_VIEW, sqlApiView, toClickHouse } from "./analytics-sql-api.mjs";

const range = (n) => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Analytics Engine's table (its SQL API documentation, "Table structure"): dataset and index1
 * strings, timestamp a DateTime, _sample_interval an integer, blob1…blob20 strings and
 * double1…double20 doubles. Times are UTC, as Analytics Engine's are.
 */
const TABLE = `CREATE TABLE ${DEFAULT_DATASET} (
  dataset String,
  timestamp DateTime('UTC'),
  _sample_interval UInt32,
  index1 String,
  ${range(20)
    .map((i) => `blob${i} String`)
    .join(", ")},
  ${range(20)
    .map((i) => `double${i} Float64`)
    .join(", ")}
) ENGINE = MergeTree ORDER BY timestamp`;

/** A data point as a row: blobs and doubles it does not set are "" and 0, as in Analytics Engine. */
function tableRow({ timestamp, _sample_interval, index1, blobs, doubles }) {
  const row = { dataset: DEFAULT_DATASET, timestamp, _sample_interval, index1 };
  for (const i of range(20)) {
    row[`blob${i}`] = blobs[i - 1] ?? "";
    row[`double${i}`] = doubles[i - 1] ?? 0;
  }
  return row;
}

export default async function setup({ provide }) {
  const session = new Session();
  // 64-bit sums as JSON numbers, like Analytics Engine's JSON answers.
  session.query("SET output_format_json_quote_64bit_integers = 0");
  session.query("SET session_timezone = 'UTC'");

  const server = await serveJson({
    "/load": async ({ rows }) => {
      session.query(`DROP VIEW IF EXISTS ${SQL_API_VIEW}`);
      session.query(`DROP TABLE IF EXISTS ${DEFAULT_DATASET}`);
      session.query(TABLE);
      session.query(sqlApiView(DEFAULT_DATASET));
      if (rows.length > 0) await session.insert({ table: DEFAULT_DATASET, values: rows.map(tableRow) });
      return { rows: JSON.parse(session.query(`SELECT count() AS n FROM ${DEFAULT_DATASET}`, "JSON")).data[0].n };
    },
    // A query ClickHouse refuses is an answer here (the check reports it), not a failed request.
    "/query": ({ sql }) => {
      try {
        return { rows: JSON.parse(session.query(sql, "JSON")).data };
      } catch (error) {
        return { error: String(error?.message ?? error) };
      }
    },
    "/analytics-sql": (request) => {
      try {
        const { sql, params } = toClickHouse(request, DEFAULT_DATASET);
        const answer = JSON.parse(session.queryBind(sql, params, "JSON"));
        const { elapsed, rows_read, bytes_read } = answer.statistics;
        return {
          result: { data: answer.data, rows: answer.rows, statistics: { elapsed_ms: elapsed * 1000, rows_read, bytes_read } },
        };
      } catch (error) {
        return { error: String(error?.message ?? error) };
      }
    },
  });
  provide("clickhouseUrl", server.url);
  provide(
    "analyticsQueries",
    loadAnalyticsQueries().map(({ name, sql }) => ({ name, sql })),
  );
  return async () => {
    await server.close();
    session.close();
  };
}
