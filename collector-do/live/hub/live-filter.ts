import * as v from "valibot";
import { type Condition, WhereSchema } from "../../../schemas/filter/condition";
import { parseWhere, WhereError } from "../../../schemas/filter/where-text";
import { IMPORTANCE_NAMES, type Importance, toImportance } from "../../../schemas/importance";
import { describeIssue } from "../../../schemas/lib/describe-issue";
import type { LiveFilterInput } from "../../../schemas/live/protocol";
import type { LiveFilter } from "../../../schemas/live/streams";

/** A normalised filter above this many characters of JSON is refused: each rides in its WebSocket's attachment. */
export const MAX_FILTER_CHARS = 4_096;
const MAX_GLOBS = 20;
const MAX_GLOB_CHARS = 200;
const MAX_CONDITIONS = 20;

/** A filter box term that sets the type, importance or script part rather than a where condition. */
const PART_TERM = /^(type|importance|script)=(.*)$/s;
const WhereInput = v.strictObject({ where: WhereSchema(MAX_CONDITIONS) });

export type FilterResult = { filter: LiveFilter } | { error: string };

/**
 * A stream's filter from a `subscribe` message: an object {type, importance, script, where}, the
 * filter box's text, or nothing (every event). `where` takes conditions of the filter language
 * (schemas/filter/, as /query), or `field=value` text (schemas/filter/where-text.ts). Every problem
 * is one message naming the bad part.
 */
export function parseLiveFilter(input: unknown): FilterResult {
  if (input === undefined || input === null) return normalise({});
  if (typeof input === "string") {
    const parsed = parseFilterText(input);
    return "error" in parsed ? parsed : normalise(parsed.input);
  }
  if (typeof input !== "object" || Array.isArray(input))
    return { error: "filter: must be an object {type, importance, script, where} or text" };
  const unknown = Object.keys(input).filter((key) => !["type", "importance", "script", "where"].includes(key));
  if (unknown.length > 0) return { error: `filter.${unknown[0]}: unknown key; a filter has type, importance, script and where` };
  return normalise(input as LiveFilterInput);
}

/**
 * The filter box's text: terms separated by spaces (double quotes keep spaces in a value).
 * `type=GLOB`, `importance=NAME|0-3` and `script=GLOB` set those parts (repeated: any of them);
 * every other term is a where condition, `field=value` or `!=`, `>`, `>=`, `<`, `<=`, `~`, whose
 * value may be quoted as a JSON string (`note~"time out"`, `word="null"`).
 */
export function parseFilterText(text: string): { input: LiveFilterInput } | { error: string } {
  const input = { type: [] as string[], importance: [] as string[], script: [] as string[], where: [] as string[] };
  for (const term of text.matchAll(/(?:[^\s"]+|"[^"]*")+/g)) {
    const part = PART_TERM.exec(term[0]);
    if (part) input[part[1] as "type" | "importance" | "script"].push(part[2]!.replace(/"/g, ""));
    else input.where.push(term[0]);
  }
  return { input };
}

function normalise(input: LiveFilterInput): FilterResult {
  const types = globs("type", input.type);
  if ("error" in types) return types;
  const scripts = globs("script", input.script);
  if ("error" in scripts) return scripts;
  const importances = levels(input.importance);
  if ("error" in importances) return importances;
  const where = conditions(input.where);
  if ("error" in where) return where;
  const filter: LiveFilter = { types: types.list, importances: importances.list, scripts: scripts.list, where: where.list };
  const size = JSON.stringify(filter).length;
  if (size > MAX_FILTER_CHARS) return { error: `filter: ${size} characters of JSON; a live filter holds at most ${MAX_FILTER_CHARS}` };
  return { filter };
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function globs(name: string, value: unknown): { list: string[] } | { error: string } {
  const list = asList(value);
  if (list.length > MAX_GLOBS) return { error: `filter.${name}: at most ${MAX_GLOBS} patterns` };
  for (const [i, glob] of list.entries()) {
    if (typeof glob !== "string" || glob.trim() === "" || glob.length > MAX_GLOB_CHARS)
      return { error: `filter.${name}[${i}]: must be a pattern of 1 to ${MAX_GLOB_CHARS} characters (* matches anything)` };
  }
  return { list: [...new Set(list as string[])] };
}

function levels(value: unknown): { list: Importance[] } | { error: string } {
  const list: Importance[] = [];
  for (const [i, level] of asList(value).entries()) {
    const importance = toImportance(level);
    if (importance === undefined)
      return {
        error: `filter.importance[${i}]: ${JSON.stringify(level)} is not 0-3 or one of ${Object.values(IMPORTANCE_NAMES).join(", ")}`,
      };
    if (!list.includes(importance)) list.push(importance);
  }
  return { list: list.sort() };
}

/** Conditions of the filter language, or `field=value` text; validated as /query validates them (same messages, same rules). */
function conditions(value: unknown): { list: Condition[] } | { error: string } {
  const given = asList(value);
  if (given.length > MAX_CONDITIONS) return { error: `filter.where: at most ${MAX_CONDITIONS} conditions` };
  const where: unknown[] = [];
  for (const [i, condition] of given.entries()) {
    if (typeof condition !== "string") {
      where.push(condition);
      continue;
    }
    try {
      where.push(parseWhere(condition.trim()));
    } catch (error) {
      if (error instanceof WhereError) return { error: `filter.where[${i}]: ${error.message}` };
      throw error;
    }
  }
  const parsed = v.safeParse(WhereInput, { where });
  if (!parsed.success) return { error: `filter.${describeIssue(parsed.issues[0])}` };
  return { list: parsed.output.where as Condition[] };
}
