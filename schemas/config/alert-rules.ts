import * as v from "valibot";
import { type Condition, GroupBySchema, WhereSchema } from "../filter/condition";
import { describeIssue } from "../lib/describe-issue";
import { parseDuration } from "../lib/duration";
import { isSecureEndpoint } from "../lib/secure-url";

/**
 * ALERT_RULES: a JSON array of rules. Each has a `name`, a `where` in the language of /query, and
 * either a threshold (`threshold` events, weighted by sampleRate, within `window`; with `rate` and
 * `of`, the share of the `of` events that match `where`) or an absence (`absent: {for}`: no
 * matching event of a group seen for that long). `groupBy` splits a rule into groups, `repeat`
 * re-sends a still-firing alert, `notify` lists where notifications are POSTed.
 */
export interface AlertRuleBase {
  name: string;
  where: readonly Condition[];
  groupBy: readonly string[];
  /** How often a still-firing alert is sent again. */
  repeat: string;
  repeatMs: number;
  /** https: URLs (http: only on loopback); hooks.slack.com URLs get Slack's message shape. */
  notify: readonly string[];
}

export interface ThresholdRule extends AlertRuleBase {
  kind: "threshold";
  /** Weighted matching events in the window at or above which the rule holds (with `rate`: the fewest that count). */
  threshold: number;
  window: string;
  windowMs: number;
  /** With `of`: the rule holds when matching ÷ `of` events reaches this share. */
  rate?: number;
  of?: readonly Condition[];
}

export interface AbsenceRule extends AlertRuleBase {
  kind: "absence";
  absentFor: string;
  absentForMs: number;
}

export type AlertRule = ThresholdRule | AbsenceRule;

export const MAX_ALERT_RULES = 50;
export const DEFAULT_REPEAT = "1h";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function duration(min: number, max: number, example: string) {
  const limits = `between ${describeMs(min)} and ${describeMs(max)}`;
  return v.pipe(
    v.string(`must be a duration such as "${example}"`),
    v.check((text) => parseDuration(text) !== undefined, `must be a duration such as "${example}" (units s, m, h, d)`),
    v.check((text) => {
      const ms = parseDuration(text);
      return ms === undefined || (ms >= min && ms <= max);
    }, `must be ${limits}`),
  );
}

function describeMs(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`;
  return `${ms / SECOND}s`;
}

export function isSlackWebhook(url: string): boolean {
  return new URL(url).hostname === "hooks.slack.com";
}

const Destination = v.pipe(
  v.string("must be a URL"),
  v.url("must be an absolute URL"),
  v.check(isSecureEndpoint, "must be https: (plain http: only for 127.0.0.0/8, localhost or [::1])"),
);

// A rule's `where`, `of` and `groupBy` are those of /query (schemas/filter/).
const Where = WhereSchema(50);
const GroupBy = GroupBySchema(10);

const RuleSchema = v.pipe(
  v.strictObject({
    name: v.pipe(
      v.string("must be a string"),
      v.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit"),
    ),
    where: Where,
    groupBy: v.optional(GroupBy, []),
    threshold: v.optional(v.pipe(v.number("must be a number"), v.minValue(0, "must be at least 0"), v.finite())),
    window: v.optional(duration(30 * SECOND, DAY, "5m")),
    rate: v.optional(v.pipe(v.number("must be a number"), v.gtValue(0, "must be above 0"), v.maxValue(1, "must be at most 1 (a share)"))),
    of: v.optional(Where),
    absent: v.optional(v.strictObject({ for: duration(30 * SECOND, 7 * DAY, "5m") })),
    repeat: v.optional(duration(MINUTE, 30 * DAY, "1h"), DEFAULT_REPEAT),
    notify: v.optional(v.pipe(v.array(Destination, "must be an array of URLs"), v.maxLength(10, "at most 10 destinations")), []),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const rule = dataset.value;
    const at = (key: string): [v.IssuePathItem] => [{ type: "object", origin: "value", input: rule, key, value: undefined }];
    if (rule.absent !== undefined) {
      for (const key of ["threshold", "window", "rate", "of"] as const)
        if (rule[key] !== undefined)
          addIssue({ message: "an absence rule (absent) takes no threshold, window, rate or of", path: at(key) });
      return;
    }
    if (rule.window === undefined)
      addIssue({ message: 'a threshold rule needs a window such as "5m" (or absent: {for} for an absence rule)', path: at("window") });
    if ((rule.rate === undefined) !== (rule.of === undefined))
      addIssue({
        message: "rate and of go together: rate is the share of the events matching of that also match where",
        path: at(rule.rate === undefined ? "rate" : "of"),
      });
    if (rule.rate === undefined && rule.threshold === undefined)
      addIssue({ message: "a threshold rule needs threshold (events in the window), or rate with of", path: at("threshold") });
  }),
);

/**
 * Parses the rules of ALERT_RULES; a problem is reported naming the rule and its part, e.g.
 * `rule "5xx-rate" (#1) window: must be between 30s and 1d`.
 */
export const AlertRulesSchema = v.pipe(
  v.array(v.unknown(), "must be a JSON array of rules"),
  v.maxLength(MAX_ALERT_RULES, `at most ${MAX_ALERT_RULES} rules`),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const rules: AlertRule[] = [];
    const seen = new Map<string, number>();
    for (const [index, input] of dataset.value.entries()) {
      const name = (input as { name?: unknown } | null)?.name;
      const label = typeof name === "string" && name.length <= 64 ? `rule ${JSON.stringify(name)} (#${index})` : `rule #${index}`;
      const parsed = v.safeParse(RuleSchema, input);
      if (!parsed.success) {
        addIssue({ message: `${label} ${describeIssue(parsed.issues[0])}` });
        return NEVER;
      }
      const rule = parsed.output;
      const twin = seen.get(rule.name);
      if (twin !== undefined) {
        addIssue({ message: `${label} name: is already used by rule #${twin}` });
        return NEVER;
      }
      seen.set(rule.name, index);
      rules.push(toRule(rule));
    }
    return rules;
  }),
);

function toRule(input: v.InferOutput<typeof RuleSchema>): AlertRule {
  const base: AlertRuleBase = {
    name: input.name,
    where: input.where as Condition[],
    groupBy: input.groupBy,
    repeat: input.repeat,
    repeatMs: parseDuration(input.repeat) as number,
    notify: input.notify,
  };
  if (input.absent !== undefined)
    return { ...base, kind: "absence", absentFor: input.absent.for, absentForMs: parseDuration(input.absent.for) as number };
  const window = input.window as string;
  return {
    ...base,
    kind: "threshold",
    threshold: input.threshold ?? 1,
    window,
    windowMs: parseDuration(window) as number,
    ...(input.rate === undefined ? {} : { rate: input.rate, of: input.of as Condition[] }),
  };
}
