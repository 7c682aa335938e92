import { parseArchiveKey } from "../schemas/archive/key";
import { HOUR_MS } from "../schemas/archive/partition";
import { ARCHIVED_HOURS_MS, type ArchivedHours } from "../schemas/collector-rpc";

/**
 * Hours named at most (about 50 bytes each in the state row, which every commit writes): a backlog
 * spanning more hours folds the ones archived into longest ago into `othersAt`.
 */
export const MAX_NAMED_HOURS = 256;

/**
 * Adds one flush commit (at `now`, inside its transaction, so that the state row saved there
 * carries it) to the hours archived into lately: each written key's importance and hour.
 */
export function noteArchived(archived: ArchivedHours, keys: readonly string[], now: number): void {
  const byHour = new Map(recentlyArchived(archived, now).hours.map((h) => [`${h.importance}/${h.hourStart}`, h]));
  for (const key of keys) {
    const parsed = parseArchiveKey(key);
    if (!parsed) continue;
    const hourStart = Date.parse(`${parsed.day}T00:00:00Z`) + parsed.hour * HOUR_MS;
    byHour.set(`${parsed.importance}/${hourStart}`, { importance: parsed.importance, hourStart, at: now });
  }
  const hours = [...byHour.values()].sort((a, b) => b.at - a.at || b.hourStart - a.hourStart);
  for (const folded of hours.splice(MAX_NAMED_HOURS)) archived.othersAt = Math.max(archived.othersAt ?? 0, folded.at);
  archived.hours = hours;
  if (archived.othersAt !== undefined && archived.othersAt < now - ARCHIVED_HOURS_MS) delete archived.othersAt;
}

/** The hours archived into within the last ARCHIVED_HOURS_MS, as a query is told them. */
export function recentlyArchived(archived: ArchivedHours, now: number): ArchivedHours {
  const since = now - ARCHIVED_HOURS_MS;
  return {
    hours: archived.hours.filter((h) => h.at >= since),
    ...(archived.othersAt !== undefined && archived.othersAt >= since ? { othersAt: archived.othersAt } : {}),
  };
}
