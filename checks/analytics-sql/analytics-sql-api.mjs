// What the Analytics SQL binding does with a query, as far as this check needs it, on ClickHouse:
// the account-wide Analytics SQL API (developers.cloudflare.com/analytics/sql-api/) reading an
// Analytics Engine dataset. Its documented rules are enforced (a schema-qualified dataset, a lower
// bound on timestamp, no tenancy predicate, no FORMAT, one statement, every $parameter given, no
// NULL literal) and its documented weighting applied: SUM is weighted by each row's sample
// interval (named sampleInterval) by the API itself. Aggregates this check does not use (COUNT,
// AVG, the *If ones, topK) are refused rather than emulated.
import { rewriteSums } from "../../tail-worker/insights/analytics-engine/sql-dialect.ts";

export const SQL_API_VIEW = "analytics_sql_dataset";

/** The dataset as that API shows it: the row's weight is sampleInterval; there is no _sample_interval. */
export function sqlApiView(table) {
  const range = (n) => Array.from({ length: n }, (_, i) => i + 1);
  const columns = [
    "timestamp",
    "_sample_interval AS sampleInterval",
    "index1",
    ...range(20).map((i) => `blob${i}`),
    ...range(20).map((i) => `double${i}`),
  ];
  return `CREATE VIEW ${SQL_API_VIEW} AS SELECT ${columns.join(", ")} FROM ${table}`;
}

const invalid = (message) => new Error(`Input was invalid: ${message}`);

/** The query as ClickHouse runs it, with its parameters typed for ClickHouse's `{name:Type}`. */
export function toClickHouse({ query, params = {} }, dataset) {
  if (Array.isArray(params)) throw invalid("this stand-in takes named parameters only");
  if (query.includes(";")) throw invalid("one statement per request");
  if (/\bFORMAT\b/i.test(query)) throw invalid("do not add a FORMAT clause to binding queries");
  if (/\b(accountTag|zoneTag)\b/.test(query)) throw invalid("the binding supplies the account scope");
  if (/\bNULL\b/i.test(query)) throw invalid("NULL literals are not supported");
  if (!/\btimestamp\s*(>|>=|BETWEEN)/i.test(query)) throw invalid("a lower bound on timestamp is required");
  const from = new RegExp(`\\bFROM\\s+events\\.analyticsEngine\\.(?:"${dataset}"|${dataset})(?=\\s|$)`, "g");
  if ((query.match(from) ?? []).length !== 1) throw invalid(`read events.analyticsEngine."${dataset}" once`);
  const other = /\b(COUNT|AVG|countIf|sumIf|avgIf|topK|topKWeighted)\s*\(/i.exec(query);
  if (other) throw invalid(`${other[1]} is not emulated by this check`);
  let sql = weightSums(query.replace(from, `FROM ${SQL_API_VIEW}`));
  const bound = {};
  sql = sql.replace(/\$(\w+)/g, (_, name) => {
    if (!Object.hasOwn(params, name)) throw invalid(`parameter $${name} has no value`);
    const value = params[name];
    bound[name] = value;
    return `{${name}:${typeof value === "string" ? "String" : typeof value === "boolean" ? "Bool" : "Float64"}}`;
  });
  return { sql, params: bound };
}

/** SUM(x) → SUM(sampleInterval * (x)): the API's own weighting of sampled rows. */
const weightSums = (sql) => rewriteSums(sql, (argument) => `sampleInterval * (${argument})`);
