import type { ImportanceRule } from "../../schemas/config/importance-rules";
import { compileGlob } from "../../schemas/filter/glob";
import { Importance, toImportance } from "../../schemas/importance";
import type { ParsedEvent } from "../parse/parsed-event";

type Matcher = (event: ParsedEvent) => boolean;

/** Importance of one type's events by level, then kind and naming (see CompiledTable.memo). */
export type LevelMemo = Map<string | undefined, (Importance | undefined)[]>;

interface CompiledTable {
  rules: { matches: Matcher; importance: Importance }[];
  /**
   * Importance by type, then level, then kind and naming, for events whose outcome the table
   * decides from those alone (every event but invocations, unless a rule reads data for other
   * kinds too). Nested lookups: no key string is built per event.
   */
  memo: Map<string, LevelMemo> | undefined;
  /**
   * Importance of invocation records by type, level, outcome, status and truncation: everything
   * a rule can read of one (rules read no other field of the data).
   */
  invocationMemo: Map<string, Importance>;
  memoized: number;
}

const MAX_MEMO = 10_000;
/** Levels are the runtime's few; a memo handed in (see importanceMemoOf) still never grows past this. */
const MAX_LEVELS = 64;
const compiledTables = new WeakMap<readonly ImportanceRule[], CompiledTable>();
const KIND_SLOT: Record<ParsedEvent["kind"], number> = { invocation: 0, log: 2, exception: 4, diagnostic: 6 };

/**
 * The producer's `_importance` wins; otherwise the first matching rule; otherwise NORMAL. `levels`
 * is the memo of the event's type when the caller has it already (see importanceMemoOf).
 */
export function classifyImportance(event: ParsedEvent, rules: readonly ImportanceRule[], levels?: LevelMemo): Importance {
  const override = toImportance(event.data._importance);
  if (override !== undefined) return override;
  const table = compile(rules);
  // Types and levels are the producer's: past MAX_MEMO answers the memos start over.
  if (table.memoized >= MAX_MEMO) {
    table.memo?.clear();
    table.invocationMemo.clear();
    table.memoized = 0;
  }
  if (event.kind === "invocation") return invocationImportance(table, event);
  const byLevel = levels ?? levelMemo(table, event.type);
  if (!byLevel) return firstMatch(table, event);
  let slots = byLevel.get(event.level);
  if (slots === undefined) {
    slots = [];
    if (byLevel.size >= MAX_LEVELS) byLevel.clear();
    byLevel.set(event.level, slots);
  }
  const slot = KIND_SLOT[event.kind] + (event.named ? 1 : 0);
  let importance = slots[slot];
  if (importance === undefined) {
    importance = firstMatch(table, event);
    slots[slot] = importance;
    table.memoized++;
  }
  return importance;
}

/**
 * The memo of one type's importance by level, to hand back to classifyImportance: undefined when
 * the rules read data of events other than invocations, whose importance then is not memoised.
 */
export function importanceMemoOf(rules: readonly ImportanceRule[], type: string): LevelMemo | undefined {
  return levelMemo(compile(rules), type);
}

function levelMemo(table: CompiledTable, type: string): LevelMemo | undefined {
  const memo = table.memo;
  if (!memo) return undefined;
  let byLevel = memo.get(type);
  if (byLevel === undefined) {
    byLevel = new Map();
    memo.set(type, byLevel);
  }
  return byLevel;
}

function invocationImportance(table: CompiledTable, event: ParsedEvent): Importance {
  const { outcome, status, truncated } = event.data;
  const key = `${event.type}\u0000${event.level}\u0000${String(outcome)}\u0000${typeof status === "number" ? status : "-"}\u0000${truncated === true}`;
  let importance = table.invocationMemo.get(key);
  if (importance === undefined) {
    importance = firstMatch(table, event);
    table.invocationMemo.set(key, importance);
    table.memoized++;
  }
  return importance;
}

function firstMatch(table: CompiledTable, event: ParsedEvent): Importance {
  for (const rule of table.rules) {
    if (rule.matches(event)) return rule.importance;
  }
  return Importance.NORMAL;
}

function compile(rules: readonly ImportanceRule[]): CompiledTable {
  let compiled = compiledTables.get(rules);
  if (!compiled) {
    const readsDataOfOtherKinds = rules.some(
      ({ when }) =>
        (when.minStatus !== undefined || when.truncated !== undefined) && (!when.kind || when.kind.some((k) => k !== "invocation")),
    );
    compiled = {
      rules: rules.map((rule) => ({ matches: compileWhen(rule.when), importance: rule.importance })),
      memo: readsDataOfOtherKinds ? undefined : new Map(),
      invocationMemo: new Map(),
      memoized: 0,
    };
    compiledTables.set(rules, compiled);
  }
  return compiled;
}

function compileWhen(when: ImportanceRule["when"]): Matcher {
  const checks: Matcher[] = [];
  if (when.kind) {
    const kinds = new Set<string>(when.kind);
    checks.push((e) => kinds.has(e.kind));
  }
  if (when.type !== undefined) {
    const pattern = compileGlob(when.type);
    checks.push((e) => pattern.test(e.type));
  }
  if (when.level) {
    const levels = new Set(when.level);
    checks.push((e) => e.level !== undefined && levels.has(e.level));
  }
  if (when.outcome) {
    const outcomes = new Set(when.outcome);
    checks.push((e) => e.kind === "invocation" && outcomes.has(String(e.data.outcome)));
  }
  if (when.outcomeNot) {
    const outcomes = new Set(when.outcomeNot);
    checks.push((e) => e.kind === "invocation" && !outcomes.has(String(e.data.outcome)));
  }
  if (when.minStatus !== undefined) {
    const min = when.minStatus;
    checks.push((e) => typeof e.data.status === "number" && e.data.status >= min);
  }
  if (when.truncated !== undefined) {
    const truncated = when.truncated;
    checks.push((e) => (e.data.truncated === true) === truncated);
  }
  if (when.named !== undefined) {
    const named = when.named;
    checks.push((e) => e.named === named);
  }
  return (event) => {
    for (const check of checks) if (!check(event)) return false;
    return true;
  };
}
