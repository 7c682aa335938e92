import type { ImportanceRule } from "../../schemas/config/importance-rules";
import { Importance, toImportance } from "../../schemas/importance";
import type { ParsedEvent } from "../parse/parsed-event";

type Matcher = (event: ParsedEvent) => boolean;

interface CompiledRule {
  matches: Matcher;
  importance: Importance;
}

const compiledTables = new WeakMap<readonly ImportanceRule[], CompiledRule[]>();

/** The producer's `_importance` wins; otherwise the first matching rule; otherwise NORMAL. */
export function classifyImportance(event: ParsedEvent, rules: readonly ImportanceRule[]): Importance {
  const override = toImportance(event.data._importance);
  if (override !== undefined) return override;
  for (const rule of compile(rules)) {
    if (rule.matches(event)) return rule.importance;
  }
  return Importance.NORMAL;
}

function compile(rules: readonly ImportanceRule[]): CompiledRule[] {
  let compiled = compiledTables.get(rules);
  if (!compiled) {
    compiled = rules.map((rule) => ({ matches: compileWhen(rule.when), importance: rule.importance }));
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

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`, "i");
}
