import type { ImportanceRule } from "../../schemas/config/importance-rules";
import { Importance, toImportance } from "../../schemas/importance";
import { globToRegExp } from "../../schemas/lib/glob";
import type { ParsedEvent } from "../parse/parsed-event";

type Matcher = (event: ParsedEvent) => boolean;

interface CompiledTable {
  rules: { matches: Matcher; importance: Importance }[];
  /**
   * Importance by kind, type, level and naming, for events whose outcome the table decides from
   * those alone (every event but invocations, unless a rule reads data for other kinds too).
   */
  memo: Map<string, Importance> | undefined;
}

const MAX_MEMO = 10_000;
const compiledTables = new WeakMap<readonly ImportanceRule[], CompiledTable>();

/** The producer's `_importance` wins; otherwise the first matching rule; otherwise NORMAL. */
export function classifyImportance(event: ParsedEvent, rules: readonly ImportanceRule[]): Importance {
  const override = toImportance(event.data._importance);
  if (override !== undefined) return override;
  const table = compile(rules);
  if (!table.memo || event.kind === "invocation") return firstMatch(table, event);
  const key = `${event.kind}\u0000${event.type}\u0000${event.level}\u0000${event.named}`;
  let importance = table.memo.get(key);
  if (importance === undefined) {
    importance = firstMatch(table, event);
    if (table.memo.size >= MAX_MEMO) table.memo.clear();
    table.memo.set(key, importance);
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
    const pattern = globToRegExp(when.type);
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
  return (event) => checks.every((check) => check(event));
}
