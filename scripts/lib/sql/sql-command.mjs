import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { UsageError } from "../archive-cli.mjs";
import { doTailClient } from "../do-tail-client.mjs";
import { basinSqlCommand, DEFAULT_BASIN_BUCKET } from "./basin-sql.mjs";
import { checkObjects, openDuckDb, runSql, SqlError } from "./engine.mjs";
import { mirrorArchive, openCache } from "./mirror.mjs";
import { objectMayMatch, parseKey, parseTime } from "./mirror-range.mjs";
import { FORMATS, formatResult } from "./output.mjs";
import { formatBytes, progressBar } from "./progress.mjs";

export const SQL_USAGE = `npm run archives -- sql "<SQL>" [options]

Mirrors do-tail's archive into a local cache (only new or changed objects are downloaded) and
runs the SQL in DuckDB over a view \`events\`: one row per archived event, envelope fields typed
(timestamp TIMESTAMP in UTC, importance INTEGER, sampleRate DOUBLE, …) and \`data\` as JSON
(\`data->>'durationMs'\`). See the README, "SQL over the archive".

options
  --since T         only objects and events from T on: ISO time (UTC unless it gives an offset),
                    epoch ms, now, or relative (-15m, -1h, -7d)
  --until T         only objects and events up to T (same forms)
  --format F        table (default on a terminal), ndjson (default otherwise), csv or json
  --url URL         do-tail's address (default http://localhost:8788)
  --token TOKEN     admin token (or set DO_TAIL_TOKEN)
  --cache DIR       cache folder (or set DO_TAIL_CACHE; default .cache/do-tail-archive in this
                    repository); each do-tail gets a subfolder named after its host
  --concurrency N   downloads at a time (default 8)
  --offline         query the cache as it is, without asking do-tail
  --remote          send the SQL to Basin SQL instead (the Iceberg table a Basin pipeline fills
                    from do-tail's stream; README, "SQL at scale: Basin"), with
                    CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN set; without them, print the
                    request as curl and wrangler commands. Only --format and --bucket apply.
  --bucket NAME     with --remote: the R2 bucket of the Basin Catalog (default ${DEFAULT_BASIN_BUCKET})
  -h, --help        this text

exit status: 0 done; 1 do-tail (or Basin SQL) unreachable, not authorised or another failure; 2 bad
arguments, or SQL that DuckDB (or Basin SQL) refuses (its message is printed)`;

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const DEFAULT_CACHE = join(REPO, ".cache", "do-tail-archive");

/** argv after `sql` as { sql, options }; throws UsageError on anything wrong. */
export function parseSqlArgs(argv, env = process.env, now = Date.now(), stdoutIsTty = Boolean(process.stdout.isTTY)) {
  let parsed;
  try {
    parsed = parseArgs({
      args: relativeTimesJoined(argv),
      allowPositionals: true,
      options: {
        url: { type: "string", default: "http://localhost:8788" },
        token: { type: "string" },
        since: { type: "string" },
        until: { type: "string" },
        format: { type: "string" },
        cache: { type: "string" },
        concurrency: { type: "string", default: "8" },
        offline: { type: "boolean", default: false },
        remote: { type: "boolean", default: false },
        bucket: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length === 0 || positionals[0].trim() === "")
    throw new UsageError('give the SQL to run: npm run archives -- sql "SELECT …"');
  if (positionals.length > 1) throw new UsageError("give the SQL as one argument (quote it)");
  const format = values.format ?? (stdoutIsTty ? "table" : "ndjson");
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}`);
  if (values.remote) return { sql: positionals[0], options: remoteOptions(argv, values, format) };
  if (values.bucket !== undefined) throw new UsageError("--bucket goes with --remote");
  let url;
  try {
    url = new URL(values.url);
  } catch {
    throw new UsageError(`--url "${values.url}" is not a URL`);
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new UsageError("--concurrency must be a whole number from 1 to 64");
  const range = {
    since: values.since === undefined ? undefined : parseTime("--since", values.since, now),
    until: values.until === undefined ? undefined : parseTime("--until", values.until, now),
  };
  if (range.since !== undefined && range.until !== undefined && range.since > range.until) throw new UsageError("--since is after --until");
  return {
    sql: positionals[0],
    options: {
      url: values.url,
      token: values.token,
      format,
      concurrency,
      offline: values.offline,
      range,
      cacheDir: join(values.cache ?? env.DO_TAIL_CACHE ?? DEFAULT_CACHE, url.host.replace(/[^\w.-]/g, "_")),
    },
  };
}

/** Options of `--remote`: the local copy's options do not apply to Basin SQL, and saying so beats ignoring them. */
function remoteOptions(argv, values, format) {
  const local = ["--url", "--token", "--since", "--until", "--cache", "--concurrency", "--offline"];
  const given = local.filter((option) => argv.some((arg) => arg === option || arg.startsWith(`${option}=`)));
  if (given.length > 0)
    throw new UsageError(`${given.join(", ")} ${given.length === 1 ? "applies" : "apply"} to the local copy, not to --remote`);
  const bucket = values.bucket ?? DEFAULT_BASIN_BUCKET;
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket)) throw new UsageError(`--bucket "${bucket}" is not an R2 bucket name`);
  return { remote: true, bucket, format };
}

/** `--since -1h` as `--since=-1h`, so that a relative time is read as the value it is, not as an option. */
function relativeTimesJoined(argv) {
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    if ((argv[i] === "--since" || argv[i] === "--until") && /^-\s*\d/.test(argv[i + 1] ?? "")) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

/**
 * `npm run archives -- sql`: answers the exit status. Rows go to `out`; progress, the summary and
 * errors to `err`.
 */
export async function sqlCommand(argv, { out = process.stdout, err = process.stderr, env = process.env, fetch = globalThis.fetch } = {}) {
  const say = (line) => err.write(`archives: ${line}\n`);
  let parsed;
  try {
    parsed = parseSqlArgs(argv, env, Date.now(), Boolean(out.isTTY));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`${error.message}\n(npm run archives -- sql --help lists the options)`);
    return 2;
  }
  if (parsed.help) {
    out.write(`${SQL_USAGE}\n`);
    return 0;
  }
  const { sql, options } = parsed;
  if (options.remote) return basinSqlCommand(sql, options, { out, err, env, fetch });
  let db;
  try {
    const cache = await openCache(options.cacheDir);
    const keys = options.offline ? cachedKeys(cache, options.range) : await mirror(cache, options, err, say);
    db = await openDuckDb();
    const { readable, skipped } = await checkObjects(db.connection, cache.root, keys, cache.objects);
    await cache.save();
    if (skipped.length > 0) {
      say(`skipped ${skipped.length} of ${keys.length} objects that DuckDB cannot read:`);
      for (const { key, problem } of skipped) err.write(`  ${key}: ${problem}\n`);
    }
    const result = await runSql(db.connection, { root: cache.root, keys: readable, range: options.range, sql });
    out.write(formatResult(result, options.format));
    return 0;
  } catch (error) {
    say(error.message);
    return error instanceof SqlError ? 2 : 1;
  } finally {
    db?.close();
  }
}

async function mirror(cache, options, err, say) {
  const client = doTailClient(options.url, options.token ?? process.env.DO_TAIL_TOKEN);
  const bar = progressBar(err);
  let result;
  try {
    result = await mirrorArchive({ client, cache, range: options.range, concurrency: options.concurrency, progress: bar.update });
  } finally {
    bar.end();
    // What was downloaded before a failure is kept for the next run.
    await cache.save();
  }
  const inside = relative(process.cwd(), cache.dir);
  const where = inside === "" ? "." : inside.startsWith("..") ? cache.dir : inside;
  say(
    `${result.keys.length} objects in range: ${result.fetched} fetched (${formatBytes(result.bytes)}), ${result.cached} already in ${where}` +
      (result.removed > 0 ? `, ${result.removed} no longer listed removed` : ""),
  );
  return result.keys;
}

/** --offline: the cached objects whose key may hold events in the range. */
function cachedKeys(cache, range) {
  return Object.keys(cache.objects)
    .filter((key) => parseKey(key) && objectMayMatch({ key, customMetadata: {} }, range))
    .sort();
}
