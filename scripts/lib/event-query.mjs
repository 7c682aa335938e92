/**
 * The /query bodies of the archive CLI's `events` and `follow` (no I/O, no Node APIs, so that
 * workerd tests run them against do-tail itself). The flags become conditions of the filter
 * language (schemas/filter/); do-tail alone decides what they mean.
 */
import { parseWhere as parseWhereText, WhereError } from "../../schemas/filter/where-text.ts";

/** A --where that cannot be read; the CLI answers it as a usage error. */
export { WhereError };

/** `--where` text as a condition of the filter language (schemas/filter/where-text.ts). */
export function parseWhere(text) {
  try {
    return parseWhereText(text);
  } catch (error) {
    if (error instanceof WhereError) throw new WhereError(`--where ${error.message}`);
    throw error;
  }
}

/** The where conditions and range of `events` / `follow` filters. */
export function filterConditions(filter) {
  const where = [];
  if (filter.type !== undefined) where.push({ field: "type", op: "glob", value: filter.type });
  if (filter.importance !== undefined) where.push({ field: "importance", op: "eq", value: filter.importance });
  if (filter.script !== undefined) where.push({ field: "script", op: "eq", value: filter.script });
  where.push(...filter.where);
  if (filter.grep !== undefined) where.push({ field: "*", op: "contains", value: filter.grep });
  return where;
}

/**
 * Whether events may follow one /query page's answer: more matched than it holds, or (`truncated`)
 * do-tail stopped reading in time order once it had the page, so its `total` counts only what it read.
 */
export function pageHasMore(answer) {
  return answer.truncated === true || answer.total > answer.rows.length;
}

/** Most events one /query page asks for. */
export const PAGE_SIZE = 1000;

/**
 * The /query bodies of one page of events, oldest first, after `after` (the last event printed:
 * { timestamp, id }): first the rest of its millisecond (by id), then what follows it. Events of
 * one millisecond are ordered by id, as /query orders ties.
 */
export function pageQueries({ where, from, to, size, after }) {
  const base = { select: "events", where, to, limit: size };
  if (after === undefined) return [{ ...base, from, orderBy: [{ field: "timestamp", dir: "asc" }] }];
  return [
    {
      ...base,
      from: after.timestamp,
      to: after.timestamp,
      where: [...where, { field: "id", op: "gt", value: after.id }],
      orderBy: [{ field: "id", dir: "asc" }],
    },
    { ...base, from: after.timestamp + 1, orderBy: [{ field: "timestamp", dir: "asc" }] },
  ];
}
