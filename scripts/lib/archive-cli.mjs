import { parseArgs } from "node:util";

/**
 * The archive CLI's arguments and event filters, apart from any I/O so that they can be tested
 * (scripts/lib/archive-cli.test.mjs). Field paths and comparisons follow /query: a bare name that
 * is not an envelope field means `data.<name>`; a number equals its decimal string.
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

filters (events, follow)
  --type T          event type; * matches anything (e.g. 'error_*'), case-insensitive
  --importance N    0-3 or CRITICAL, HIGH, NORMAL, LOW
  --script S        script name
  --since T         ISO time (UTC unless it gives an offset), epoch ms, now, or relative (-15m, -1h, -7d)
  --until T         same forms, as /query's from and to
  --where F=V       field condition, repeatable; also F!=V, F>V, F>=V, F<V, F<=V, F~V (contains)
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

/** Envelope fields (schemas/event-envelope.ts); any other first segment is a field of `data`. */
const ENVELOPE_FIELDS = new Set([
  "id",
  "invocationId",
  "type",
  "kind",
  "importance",
  "timestamp",
  "script",
  "namespace",
  "level",
  "channel",
  "text",
  "parseError",
  "truncated",
  "validation",
  "data",
  "sampleRate",
]);

/** argv (after `--`) as { command, args, options }; throws UsageError on anything wrong. */
export function parseCliArgs(argv, now = Date.now()) {
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
      since: values.since === undefined ? undefined : parseTime("--since", values.since, now),
      until: values.until === undefined ? undefined : parseTime("--until", values.until, now),
      where: values.where.map(parseWhere),
      grep: values.grep,
    },
  };
  if (options.filter.since !== undefined && options.filter.until !== undefined && options.filter.since > options.filter.until) {
    throw new UsageError("--since is after --until");
  }
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

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^-\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;
const ISO = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
/** The last millisecond of the year 9999, as in schemas/archive/partition.ts: archive keys hold four-digit years. */
const MAX_DATE_MS = 253_402_300_799_999;

/**
 * Epoch ms of --since/--until by /query's rules (tail-worker/query/time-range.ts), so that a time
 * means the same to both: ISO text, epoch ms, "now", or a time ago such as "-15m", "-1h", "-7d".
 */
export function parseTime(name, text, now) {
  const ms = parseTimeUnchecked(name, text, now);
  if (!(Math.abs(ms) <= MAX_DATE_MS)) throw new UsageError(`${name} "${text}" is outside the range of dates`);
  return ms;
}

function parseTimeUnchecked(name, text, now) {
  const trimmed = text.trim();
  if (trimmed === "now") return now;
  const relative = RELATIVE.exec(trimmed);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2]];
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const iso = ISO.exec(trimmed);
  if (iso) {
    // /query runs in workerd, whose time zone is UTC: a date-time without an offset is UTC there,
    // and must not be read in this machine's zone.
    const ms = Date.parse(iso[1] !== undefined && iso[2] === undefined ? `${trimmed}Z` : trimmed);
    if (!Number.isNaN(ms)) return ms;
  }
  const ago = /^\d+(?:\.\d+)?\s*(ms|s|m|h|d|w)$/.test(trimmed) ? ` (a time ago starts with a minus: -${trimmed})` : "";
  throw new UsageError(`${name} "${text}" is not a time: give an ISO time, epoch ms, now or a relative time like -15m, -1h, -7d${ago}`);
}

export function parseImportance(text) {
  const upper = text.trim().toUpperCase();
  if (/^[0-3]$/.test(upper)) return Number(upper);
  const index = IMPORTANCE_NAMES.indexOf(upper);
  if (index >= 0) return index;
  throw new UsageError(`--importance "${text}" must be 0-3 or one of ${IMPORTANCE_NAMES.join(", ")}`);
}

/** `field=value`, `field!=value`, `field>=n`, … as { field, op, value }. */
export function parseWhere(text) {
  const match = /^([^=!<>~\s]+)\s*(!=|>=|<=|=|>|<|~)\s*(.*)$/s.exec(text);
  if (!match) throw new UsageError(`--where "${text}" must look like field=value (or !=, >, >=, <, <=, ~ for contains)`);
  const [, field, op, value] = match;
  if (field.split(".").some((segment) => segment === "")) throw new UsageError(`--where "${text}": the field has an empty segment`);
  return { field, op, value };
}

/** A field of an event by dot path; a first segment that is not an envelope field reads `data`. */
export function readField(event, path) {
  const given = path.split(".");
  const segments = ENVELOPE_FIELDS.has(given[0]) ? given : ["data", ...given];
  let value = event;
  for (const segment of segments) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, segment)) return undefined;
    value = value[segment];
  }
  return value;
}

/** A where value (always text from the command line) against a field's value. */
export function whereHolds(event, { field, op, value }) {
  const actual = readField(event, field);
  switch (op) {
    case "=":
      return textEquals(actual, value);
    case "!=":
      return !textEquals(actual, value);
    case "~":
      if (typeof actual === "string") return actual.toLowerCase().includes(value.toLowerCase());
      if (Array.isArray(actual)) return actual.some((element) => textEquals(element, value));
      return false;
    default: {
      const c = compare(actual, value);
      if (c === undefined) return false;
      return op === ">" ? c > 0 : op === ">=" ? c >= 0 : op === "<" ? c < 0 : c <= 0;
    }
  }
}

function textEquals(actual, text) {
  if (actual === undefined || actual === null) return text === "null" || text === "";
  if (typeof actual === "string") return actual === text;
  if (typeof actual === "number") return text.trim() !== "" && Number(text) === actual;
  if (typeof actual === "boolean") return String(actual) === text;
  return JSON.stringify(actual) === text;
}

function compare(actual, text) {
  if (typeof actual === "number") {
    const n = Number(text);
    return text.trim() === "" || !Number.isFinite(n) ? undefined : Math.sign(actual - n);
  }
  if (typeof actual === "string") return actual < text ? -1 : actual > text ? 1 : 0;
  return undefined;
}

/** `*` globs, case-insensitive, as in the importance rules. */
export function globMatcher(pattern) {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  const regex = new RegExp(`^${escaped}$`, "i");
  return (text) => typeof text === "string" && regex.test(text);
}

/** One predicate over events for every filter given. */
export function eventFilter(filter) {
  const tests = [];
  if (filter.type !== undefined) {
    const matches = globMatcher(filter.type);
    tests.push((e) => matches(e.type));
  }
  if (filter.importance !== undefined) tests.push((e) => e.importance === filter.importance);
  if (filter.script !== undefined) tests.push((e) => e.script === filter.script);
  if (filter.since !== undefined) tests.push((e) => typeof e.timestamp === "number" && e.timestamp >= filter.since);
  if (filter.until !== undefined) tests.push((e) => typeof e.timestamp === "number" && e.timestamp <= filter.until);
  for (const condition of filter.where ?? []) tests.push((e) => whereHolds(e, condition));
  if (filter.grep !== undefined) {
    const needle = filter.grep.toLowerCase();
    tests.push((e) => JSON.stringify(e).toLowerCase().includes(needle));
  }
  return (event) => tests.every((test) => test(event));
}

const KEY_PATTERN = /^tail-events\/(\d{4}-\d{2}-\d{2})\/importance-([0-3])\/(\d{2})-(\d{2})-[0-9a-z]+\.json$/;

export function parseKey(key) {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  return { day: match[1], importance: Number(match[2]), hour: Number(match[3]), minute: Number(match[4]) };
}

/**
 * Whether a listed object ({ key, customMetadata }) can hold events the filter wants, from its key
 * and metadata alone: its importance, and its first/last event times against --since/--until.
 */
export function objectMayMatch(object, filter) {
  const key = parseKey(object.key);
  if (!key) return false;
  if (filter.importance !== undefined && key.importance !== filter.importance) return false;
  const first = Date.parse(object.customMetadata?.firstEventAt ?? "");
  const last = Date.parse(object.customMetadata?.lastEventAt ?? "");
  const dayStart = Date.parse(`${key.day}T00:00:00Z`);
  if (filter.since !== undefined && (Number.isNaN(last) ? dayStart + 86_400_000 - 1 : last) < filter.since) return false;
  if (filter.until !== undefined && (Number.isNaN(first) ? dayStart + key.hour * 3_600_000 + key.minute * 60_000 : first) > filter.until)
    return false;
  return true;
}

/** The dates (YYYY-MM-DD) of `dates` inside the filter's --since/--until. */
export function datesInRange(dates, filter) {
  const since = filter.since === undefined ? undefined : new Date(filter.since).toISOString().slice(0, 10);
  const until = filter.until === undefined ? undefined : new Date(filter.until).toISOString().slice(0, 10);
  return dates.filter((d) => (since === undefined || d >= since) && (until === undefined || d <= until));
}

/** Listed objects in the order their events happened: by first event time, then key. */
export function chronological(objects) {
  const firstOf = (o) => o.customMetadata?.firstEventAt || o.key;
  return [...objects].sort((a, b) => (firstOf(a) < firstOf(b) ? -1 : firstOf(a) > firstOf(b) ? 1 : a.key < b.key ? -1 : 1));
}

/** The prefix an `objects` argument names: a date, a prefix under tail-events/, or everything. */
export function objectsPrefix(arg) {
  if (arg === undefined) return ARCHIVE_PREFIX;
  if (isDate(arg)) return `${ARCHIVE_PREFIX}${arg}/`;
  if (arg.startsWith(ARCHIVE_PREFIX)) return arg;
  throw new UsageError(`"${arg}" is neither a date (YYYY-MM-DD) nor a prefix starting with ${ARCHIVE_PREFIX}`);
}
