/**
 * The query files of schemas/analytics/queries/ are written for Analytics Engine's own SQL API
 * (`npm run analytics:sql`; check:analytics-sql runs them on ClickHouse against the archive). A
 * Worker reads Analytics Engine through the Analytics SQL binding instead, which speaks the
 * account-wide Analytics SQL API's dialect (developers.cloudflare.com/analytics/sql-api/). This
 * turns a query file into a request of that dialect, and refuses what it cannot turn safely:
 *
 * - the dataset is named `events.analyticsEngine."<dataset>"`, never bare;
 * - that API weights SUM by each row's sample interval itself, so the `_sample_interval *` factor
 *   inside a SUM goes (kept, sampled rows would count twice over); a SUM weighted in any other way
 *   is refused;
 * - elsewhere (a quantile's explicit weight, a selected column) the sample interval is named
 *   `sampleInterval`, as that API names it;
 * - COUNT, AVG and the *If aggregates are refused: one dialect weights them and the other not;
 * - a quoted string parameter (`'{{monitorId}}'`) becomes a bound `$monitorId`, so no value given
 *   to the Worker is ever part of the SQL text; a whole-number parameter (a window's seconds) is
 *   written in, since an INTERVAL takes a literal, once it is checked to be a whole number;
 * - comment lines are left out.
 */
export interface AnalyticsSqlRequest {
  query: string;
  params: Record<string, string>;
}

export type QueryParams = Readonly<Record<string, string | number>>;

const BARE_DATASET = "do_tail_events";
const DATASET_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const AE_SAMPLE_INTERVAL = "_sample_interval";
const SQL_API_SAMPLE_INTERVAL = "sampleInterval";
const DIALECT_DEPENDENT = /\b(COUNT|AVG|countIf|sumIf|avgIf)\s*\(/i;

export class QueryDialectError extends Error {
  override name = "QueryDialectError";
}

export function toAnalyticsSql(source: string, dataset: string, params: QueryParams): AnalyticsSqlRequest {
  if (!DATASET_NAME.test(dataset)) throw new QueryDialectError(`dataset name ${JSON.stringify(dataset)} is not 1 to 64 of [A-Za-z0-9_-]`);
  let sql = source
    .split("\n")
    .filter((line) => !/^\s*--/.test(line))
    .join("\n")
    .trim();
  const dependent = DIALECT_DEPENDENT.exec(sql);
  if (dependent) throw new QueryDialectError(`${dependent[1]}() weights rows differently in the two dialects; use SUM`);
  const from = new RegExp(`\\bFROM\\s+${BARE_DATASET}\\b`, "g");
  const tables = sql.match(from)?.length ?? 0;
  if (tables !== 1) throw new QueryDialectError(`the query must read ${BARE_DATASET} exactly once (it does ${tables} times)`);
  sql = sql.replace(from, `FROM events.analyticsEngine."${dataset}"`);
  sql = unweightSums(sql).replaceAll(new RegExp(`\\b${AE_SAMPLE_INTERVAL}\\b`, "g"), SQL_API_SAMPLE_INTERVAL);
  const bound: Record<string, string> = {};
  sql = sql.replace(/'\{\{(\w+)\}\}'|\{\{(\w+)\}\}/g, (_match, quoted: string | undefined, bare: string | undefined) => {
    const name = (quoted ?? bare)!;
    if (!Object.hasOwn(params, name)) throw new QueryDialectError(`parameter ${name} was not given`);
    const value = params[name]!;
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value) || value < 0) throw new QueryDialectError(`parameter ${name} must be a whole number, not ${value}`);
      return quoted === undefined ? String(value) : `'${value}'`;
    }
    if (quoted === undefined) throw new QueryDialectError(`string parameter ${name} must stand quoted ('{{${name}}}') to be bound`);
    bound[name] = value;
    return `$${name}`;
  });
  return { query: sql, params: bound };
}

/** Every SUM(…) without its `_sample_interval *` factor. */
function unweightSums(sql: string): string {
  return rewriteSums(sql, (argument) => {
    const unweighted = argument.replaceAll(new RegExp(`\\b${AE_SAMPLE_INTERVAL}\\s*\\*\\s*`, "g"), "");
    if (unweighted === argument || unweighted.includes(AE_SAMPLE_INTERVAL)) {
      throw new QueryDialectError(`SUM(${argument.trim()}) is not weighted by "${AE_SAMPLE_INTERVAL} * …"`);
    }
    return unweighted;
  });
}

/** The SQL with the argument of every SUM(…) replaced by `rewrite(argument)`. */
export function rewriteSums(sql: string, rewrite: (argument: string) => string): string {
  let out = "";
  let at = 0;
  for (const match of sql.matchAll(/\bSUM\s*\(/gi)) {
    const open = match.index + match[0].length - 1;
    if (open < at) continue;
    const close = closingParen(sql, open);
    out += sql.slice(at, open + 1) + rewrite(sql.slice(open + 1, close));
    at = close;
  }
  return out + sql.slice(at);
}

/** The index of the parenthesis closing the one at `open`, skipping quoted strings. */
function closingParen(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'") {
      i = sql.indexOf("'", i + 1);
      if (i < 0) break;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  throw new QueryDialectError(`unbalanced parentheses after: ${sql.slice(open, open + 40)}`);
}
