import { parseArgs } from "node:util";
import { parseWhere, WhereError } from "./event-query.mjs";

export { filterConditions, PAGE_SIZE, pageHasMore, pageQueries, parseWhere } from "./event-query.mjs";

/**
 * The archive CLI's arguments, apart from any I/O so that they can be tested
 * (scripts/lib/archive-cli.test.mjs). `events` and `follow` are clients of `POST /query
 * {select:"events"}`: the flags become conditions of the filter language (schemas/filter/) and
 * from/to text, and do-tail alone decides what they mean (field paths, comparisons, globs, times).
 */

export const USAGE = `npm run archives -- <command> [options]

commands
  dates                          UTC dates that have archive objects
  importances [YYYY-MM-DD]       importance folders of one date (or of every date)
  objects [YYYY-MM-DD | prefix]  objects with size, event count and first/last event time
  events                         events as NDJSON, one per line (pipe to jq), oldest objects first
  follow                         polls for new objects and prints their events as NDJSON
  get <key>                      one object as stored (--ndjson: one event per line)
  query '<json>'                 runs POST /query and prints its rows as NDJSON

filters (events, follow), sent to POST /query as its where, from and to
  --type T          event type; * matches anything (e.g. 'error_*'), case-insensitive
  --importance N    0-3 or CRITICAL, HIGH, NORMAL, LOW
  --script S        script name
  --since T         /query's from: ISO time (UTC unless it gives an offset), epoch ms, now, or
                    relative (-15m, -1h, -7d); default the last hour (follow: from now on)
  --until T         /query's to, same forms (default now)
  --where F=V       field condition, repeatable; also F!=V, F>V, F>=V, F<V, F<=V, F~V (contains);
                    F=null holds when F is missing, F='"null"' for the text null
  --grep TEXT       free text anywhere in the event, case-insensitive
  --limit N         stop after N events

options
  --url URL         do-tail's address (default http://localhost:8788)
  --token TOKEN     admin token (or set DO_TAIL_TOKEN)
  --interval S      follow: seconds between polls (default 5)
  --flush           follow: ask do-tail to flush before every poll, so buffered events show at once
  --json            dates, importances, objects: NDJSON instead of text
  --ndjson          get: one event per line
  -h, --help        this text`;

export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
}

export const COMMANDS = ["dates", "importances", "objects", "events", "follow", "get", "query"];
export const IMPORTANCE_NAMES = ["CRITICAL", "HIGH", "NORMAL", "LOW"];
export const ARCHIVE_PREFIX = "tail-events/";

/** argv (after `--`) as { command, args, options }; throws UsageError on anything wrong. */
export function parseCliArgs(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv),
      allowPositionals: true,
      options: {
        url: { type: "string", default: "http://localhost:8788" },
        token: { type: "string" },
        type: { type: "string" },
        importance: { type: "string" },
        script: { type: "string" },
        since: { type: "string" },
        until: { type: "string" },
        where: { type: "string", multiple: true, default: [] },
        grep: { type: "string" },
        limit: { type: "string" },
        interval: { type: "string", default: "5" },
        flush: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        ndjson: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help) return { command: "help", args: [], options: values };
  if (command === undefined) throw new UsageError("give a command");
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command "${command}"; commands: ${COMMANDS.join(", ")}`);
  try {
    new URL(values.url);
  } catch {
    throw new UsageError(`--url "${values.url}" is not a URL`);
  }
  const options = {
    url: values.url,
    token: values.token,
    json: values.json,
    ndjson: values.ndjson,
    flush: values.flush,
    intervalMs: positiveNumber("--interval", values.interval) * 1000,
    limit: values.limit === undefined ? undefined : positiveInteger("--limit", values.limit),
    filter: {
      type: values.type,
      importance: values.importance === undefined ? undefined : parseImportance(values.importance),
      script: values.script,
      since: values.since,
      until: values.until,
      where: values.where.map(readWhere),
      grep: values.grep,
    },
  };
  if (command === "get" && args.length !== 1)
    throw new UsageError("get takes one archive key, e.g. get tail-events/2026-01-02/importance-2/10-30-abc.json");
  if (command === "query" && args.length !== 1)
    throw new UsageError(`query takes the query as one JSON argument, e.g. query '{"from":"-1h","groupBy":["type"]}'`);
  if (["dates", "events", "follow"].includes(command) && args.length > 0)
    throw new UsageError(`${command} takes no arguments (got ${args.join(" ")})`);
  if (["importances", "objects"].includes(command) && args.length > 1) throw new UsageError(`${command} takes at most one argument`);
  if (command === "importances" && args[0] !== undefined && !isDate(args[0]))
    throw new UsageError(`"${args[0]}" is not a date (YYYY-MM-DD)`);
  return { command, args, options };
}

function readWhere(text) {
  try {
    return parseWhere(text);
  } catch (error) {
    if (error instanceof WhereError) throw new UsageError(error.message);
    throw error;
  }
}

/** `--since -1h` as `--since=-1h`: parseArgs would take "-1h" for an option and refuse it. */
function joinNegativeValues(argv) {
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    if (["--since", "--until", "--where"].includes(argv[i]) && /^-\s*\d/.test(argv[i + 1] ?? "")) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

function positiveNumber(name, text) {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number, not "${text}"`);
  return n;
}

function positiveInteger(name, text) {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${name} must be a whole number of at least 1, not "${text}"`);
  return Number(text);
}

export function isDate(text) {
  return /^\d{4}-\d{2}-\d{2}$/.test(text);
}

export function parseImportance(text) {
  const upper = text.trim().toUpperCase();
  if (/^[0-3]$/.test(upper)) return Number(upper);
  const index = IMPORTANCE_NAMES.indexOf(upper);
  if (index >= 0) return index;
  throw new UsageError(`--importance "${text}" must be 0-3 or one of ${IMPORTANCE_NAMES.join(", ")}`);
}

/** The prefix an `objects` argument names: a date, a prefix under tail-events/, or everything. */
export function objectsPrefix(arg) {
  if (arg === undefined) return ARCHIVE_PREFIX;
  if (isDate(arg)) return `${ARCHIVE_PREFIX}${arg}/`;
  if (arg.startsWith(ARCHIVE_PREFIX)) return arg;
  throw new UsageError(`"${arg}" is neither a date (YYYY-MM-DD) nor a prefix starting with ${ARCHIVE_PREFIX}`);
}
