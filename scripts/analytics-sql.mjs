import { parseArgs } from "node:util";
import { DEFAULT_DATASET, loadAnalyticsQueries } from "./lib/analytics-queries.mjs";

/**
 * `npm run analytics:sql`: the dashboard queries of schemas/analytics/queries/ against the
 * Analytics Engine SQL API. With CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (a token with
 * Account Analytics: Read) it runs them and prints their rows; without, it prints the SQL.
 *
 *   npm run analytics:sql -- [--query monitor-uptime --query runtime-health] [--dataset do_tail_events]
 *                            [--param monitorId=mon_search] [--list]
 *
 * A --query selects every query whose name starts with it. Queries name the dataset
 * `do_tail_events` (wrangler.tail.toml); --dataset runs them against another one.
 */
/** Values are spliced into SQL: only plain identifiers get through. */
const SAFE_VALUE = /^[\w.:-]{1,128}$/;

const { values } = parseArgs({
  options: {
    query: { type: "string", multiple: true, default: [] },
    dataset: { type: "string", default: DEFAULT_DATASET },
    param: { type: "string", multiple: true, default: [] },
    list: { type: "boolean", default: false },
  },
});

function fail(message) {
  console.error(`analytics-sql: ${message}`);
  process.exit(1);
}

if (!SAFE_VALUE.test(values.dataset)) fail(`--dataset must be a plain name, not ${JSON.stringify(values.dataset)}`);
const params = Object.fromEntries(
  values.param.map((pair) => {
    const [name, ...rest] = pair.split("=");
    const value = rest.join("=");
    if (!name || !SAFE_VALUE.test(value)) fail(`--param must be name=value with a plain value, not ${JSON.stringify(pair)}`);
    return [name, value];
  }),
);

function loadQueries() {
  try {
    return loadAnalyticsQueries({ dataset: values.dataset, params });
  } catch (error) {
    return fail(error.message);
  }
}

const all = loadQueries();
const selected = values.query.length === 0 ? all : all.filter((q) => values.query.some((prefix) => q.name.startsWith(prefix)));
if (selected.length === 0) fail(`no query matches ${values.query.join(", ")}; try --list`);

if (values.list) {
  for (const query of all) console.log(`${query.name}: ${query.sql.split("\n")[0].replace(/^--\s*/, "")}`);
  process.exit(0);
}

const accountId = process.env.CLOUDFLARE_ACCOUNT_ID;
const token = process.env.CLOUDFLARE_API_TOKEN;
if (!accountId || !token) {
  console.log("-- CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN are not both set: printing the SQL instead of running it.\n");
  for (const query of selected) console.log(`-- ${query.name}\n${query.sql};\n`);
  process.exit(0);
}

async function run(query) {
  const response = await fetch(`https://api.cloudflare.com/client/v4/accounts/${encodeURIComponent(accountId)}/analytics_engine/sql`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" },
    body: `${query.sql}\nFORMAT JSON`,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text).data ?? [];
}

let failures = 0;
for (const query of selected) {
  console.log(`\n== ${query.name}`);
  try {
    const rows = await run(query);
    if (rows.length === 0) console.log("(no rows)");
    else console.table(rows);
  } catch (error) {
    failures++;
    console.error(`failed: ${error.message}`);
  }
}
process.exit(failures > 0 ? 1 : 0);
