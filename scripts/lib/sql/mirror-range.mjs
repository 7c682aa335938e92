import { ARCHIVE_PREFIX, UsageError } from "../archive-cli.mjs";

export { ARCHIVE_PREFIX };

// What of the archive a mirror bounded by --since/--until must hold. The mirror runs here, not in
// do-tail, so it reads times and keys itself, by the same rules as /query (tail-worker/query/
// time-range.ts) and schemas/archive/key.ts, and the README's SQL tests check both agree.
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
