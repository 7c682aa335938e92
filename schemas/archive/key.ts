import type { Importance } from "../importance";

export const ARCHIVE_PREFIX = "tail-events/";

/**
 * `tail-events/YYYY-MM-DD/importance-N/HH-MM-<id>.json`: date and HH-MM are UTC, from the earliest
 * event in the object. `<id>` is the writing collector's tag (from its Durable Object id, so shards
 * never collide; TAG_LENGTH characters), the time its flush was planned (base 36) and randomness
 * (RANDOM_LENGTH characters) (so flushes and storage resets never collide).
 */
export function archiveKey(
  day: string,
  earliestEventMs: number,
  importance: Importance,
  collectorTag: string,
  now: number = Date.now(),
): string {
  const earliest = new Date(earliestEventMs);
  const hh = String(earliest.getUTCHours()).padStart(2, "0");
  const mm = String(earliest.getUTCMinutes()).padStart(2, "0");
  const random = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36).padStart(RANDOM_LENGTH, "0");
  return `${ARCHIVE_PREFIX}${day}/importance-${importance}/${hh}-${mm}-${collectorTag}${now.toString(36)}${random}.json`;
}

const TAG_LENGTH = 8;
/** A 32-bit random number in base 36 takes at most 7 characters. */
const RANDOM_LENGTH = 7;

/** A short lowercase tag of a collector, unique per Durable Object id. */
export function collectorTag(durableObjectId: string): string {
  return durableObjectId.slice(0, TAG_LENGTH).toLowerCase();
}

/**
 * The collector that wrote an archive object and when it planned that flush, from the key's id;
 * undefined for ids not made by archiveKey (objects written by other tools).
 */
export function flushOfKey(key: string): { collector: string; plannedAt: number } | undefined {
  const id = parseArchiveKey(key)?.id;
  if (id === undefined || id.length <= TAG_LENGTH + RANDOM_LENGTH) return undefined;
  const plannedAt = Number.parseInt(id.slice(TAG_LENGTH, -RANDOM_LENGTH), 36);
  return Number.isSafeInteger(plannedAt) ? { collector: id.slice(0, TAG_LENGTH), plannedAt } : undefined;
}

const KEY_PATTERN = /^tail-events\/(\d{4}-\d{2}-\d{2})\/importance-([0-3])\/(\d{2})-(\d{2})-([0-9a-z]+)\.json$/;

export interface ParsedArchiveKey {
  day: string;
  importance: Importance;
  hour: number;
  minute: number;
  id: string;
}

export function parseArchiveKey(key: string): ParsedArchiveKey | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const [, day, importance, hh, mm, id] = match as unknown as [string, string, string, string, string, string];
  return { day, importance: Number(importance) as Importance, hour: Number(hh), minute: Number(mm), id };
}
