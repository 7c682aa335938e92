import { formatResult } from "./output.mjs";
import { formatBytes } from "./progress.mjs";

/**
 * `npm run archives -- sql --remote "<SQL>"`: the SQL goes to Basin SQL's HTTP API, which queries
 * the Iceberg table a Basin pipeline fills from do-tail's stream (README, "SQL at scale: Basin").
 * The request is the one `wrangler basin sql query` sends (wrangler 4.164, src/basin/sql.ts): POST
 * to api.sql.cloudflarestorage.com with a bearer token and `{ warehouse, query }`, the warehouse
 * being `<account id>_<bucket>`. With CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN set it is sent;
 * otherwise it is printed, as curl and as the wrangler command, to run by hand. The token is never
 * printed: commands refer to it as $CLOUDFLARE_API_TOKEN.
 */
export const BASIN_SQL_API = "https://api.sql.cloudflarestorage.com/api/v1/accounts";

/** The R2 bucket whose Basin Catalog holds do-tail's table (the README's setup creates it). */
export const DEFAULT_BASIN_BUCKET = "do-tail-basin";

const ACCOUNT_PLACEHOLDER = "$CLOUDFLARE_ACCOUNT_ID";

/** The request body's JSON text; `account` is spliced in as given (the placeholder stays outside any escaping). */
function bodyText(account, bucket, sql) {
  return `{"warehouse":"${account}_${bucket}","query":${JSON.stringify(sql)}}`;
}

/** The request Basin SQL's API takes for `sql` over `bucket`'s catalog: { url, method, headers, body }. */
export function basinSqlRequest({ accountId, bucket, sql, token }) {
  return {
    url: `${BASIN_SQL_API}/${accountId}/basin-sql/query/${bucket}`,
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: bodyText(accountId, bucket, sql),
  };
}

/** A shell word that stays exactly `text`: single quotes, each ' written as '\''. */
export function shellQuote(text) {
  return `'${String(text).replaceAll("'", "'\\''")}'`;
}

/**
 * The request as commands to paste into a POSIX shell: curl (the exact request, the token read from
 * $CLOUDFLARE_API_TOKEN) and wrangler's own command. An unknown account id is $CLOUDFLARE_ACCOUNT_ID.
 */
export function basinSqlCommands({ accountId, bucket, sql }) {
  // A known account id is inlined; otherwise the shell expands the variable between quoted parts.
  const account = accountId ?? ACCOUNT_PLACEHOLDER;
  const inShell = (text) => {
    const at = text.indexOf(ACCOUNT_PLACEHOLDER);
    if (accountId !== undefined || at < 0) return shellQuote(text);
    return `${shellQuote(text.slice(0, at))}"${ACCOUNT_PLACEHOLDER}"${shellQuote(text.slice(at + ACCOUNT_PLACEHOLDER.length))}`;
  };
  const url = `${BASIN_SQL_API}/${account}/basin-sql/query/${bucket}`;
  const curl = [
    `curl -X POST ${accountId === undefined ? `"${url}"` : shellQuote(url)} \\`,
    `  -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  --data-binary ${inShell(bodyText(account, bucket, sql))}`,
  ].join("\n");
  const warehouse = accountId === undefined ? `"${ACCOUNT_PLACEHOLDER}"_${bucket}` : shellQuote(`${accountId}_${bucket}`);
  const wrangler = `WRANGLER_BASIN_SQL_AUTH_TOKEN="$CLOUDFLARE_API_TOKEN" npx wrangler basin sql query ${warehouse} ${shellQuote(sql)}`;
  return { curl, wrangler };
}

export class BasinSqlError extends Error {
  /** `refused`: Basin SQL answered that the query is wrong (exit 2); otherwise exit 1. */
  constructor(message, refused) {
    super(message);
    this.refused = refused;
  }
}

/** Sends the request; answers { columns, rows, metrics } or throws BasinSqlError (whose message never holds the token). */
export async function runBasinSql(request, fetchImpl) {
  let response;
  try {
    response = await fetchImpl(request.url, { method: request.method, headers: request.headers, body: request.body });
  } catch (error) {
    throw new BasinSqlError(`Basin SQL unreachable: ${error.message}`, false);
  }
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BasinSqlError(`Basin SQL answered ${response.status} ${response.statusText} with: ${text.slice(0, 200)}`, false);
  }
  if (!parsed?.success) {
    const errors = (parsed?.errors ?? []).map((e) => `${e.code}: ${e.message}`).join("; ") || `${response.status} ${response.statusText}`;
    const hint =
      response.status === 401 || response.status === 403
        ? " (the token needs R2 read, Basin Catalog and Basin SQL permissions: see the README)"
        : "";
    throw new BasinSqlError(`Basin SQL refused the query: ${errors}${hint}`, response.status === 400);
  }
  const { schema = [], rows = [], metrics = {} } = parsed.result ?? {};
  return { columns: schema.map((field) => ({ name: field.name, type: String(field.type ?? "") })), rows, metrics };
}

/** `sql --remote`: sends the SQL, or prints the commands that would; answers the exit status. */
export async function basinSqlCommand(sql, options, { out, err, env, fetch: fetchImpl }) {
  const say = (line) => err.write(`archives: ${line}\n`);
  const accountId = env.CLOUDFLARE_ACCOUNT_ID || undefined;
  const token = env.CLOUDFLARE_API_TOKEN || undefined;
  if (accountId !== undefined && !/^[A-Za-z0-9]+$/.test(accountId)) {
    say("CLOUDFLARE_ACCOUNT_ID must be letters and digits (the id in your dashboard's URL)");
    return 2;
  }
  if (accountId === undefined || token === undefined) {
    const missing = [accountId === undefined && "CLOUDFLARE_ACCOUNT_ID", token === undefined && "CLOUDFLARE_API_TOKEN"].filter(Boolean);
    say(`${missing.join(" and ")} not set: the request is printed, not sent. Run either command, or set them and run this again.`);
    const { curl, wrangler } = basinSqlCommands({ accountId, bucket: options.bucket, sql });
    out.write(`${curl}\n\n${wrangler}\n`);
    return 0;
  }
  try {
    const result = await runBasinSql(basinSqlRequest({ accountId, bucket: options.bucket, sql, token }), fetchImpl);
    out.write(formatResult(result, options.format));
    const { bytes_scanned: bytes, files_scanned: files } = result.metrics;
    if (bytes !== undefined) say(`Basin SQL read ${formatBytes(bytes)} across ${files ?? "?"} files`);
    return 0;
  } catch (error) {
    if (!(error instanceof BasinSqlError)) throw error;
    say(error.message);
    return error.refused ? 2 : 1;
  }
}
