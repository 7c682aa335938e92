import type { Importance } from "../importance";

export const ARCHIVE_PREFIX = "tail-events/";

/**
 * `tail-events/YYYY-MM-DD/importance-N/HH-MM-<id>.json`: date and HH-MM are UTC, from the earliest
 * event in the object. `<id>` is the writing collector's tag (from its Durable Object id, so shards
 * never collide), the flush time and randomness (so flushes and storage resets never collide).
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
  const random = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36).padStart(7, "0");
  return `${ARCHIVE_PREFIX}${day}/importance-${importance}/${hh}-${mm}-${collectorTag}${now.toString(36)}${random}.json`;
}

/** A short lowercase tag of a collector, unique per Durable Object id. */
export function collectorTag(durableObjectId: string): string {
  return durableObjectId.slice(0, 8).toLowerCase();
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
