import type { WireEvent } from "../../schemas/collector-rpc";
import type { AlertRule } from "../../schemas/config/alert-rules";
import { weightOf } from "../../schemas/event-envelope";
import { compileWhere, type Predicate } from "../../schemas/filter/compile";
import type { Condition } from "../../schemas/filter/condition";
import { fieldPath } from "../../schemas/filter/field-path";

/**
 * Fields a WireEvent carries with the same value as its archived envelope: conditions and group
 * fields on them are tried without parsing the event's JSON, which most events then never need.
 */
const WIRE_FIELDS: ReadonlySet<string> = new Set(["id", "type", "kind", "importance", "timestamp", "namespace"]);

const onWire = (field: string) => {
  const segments = fieldPath(field).segments;
  return segments.length === 1 && WIRE_FIELDS.has(segments[0]!);
};

/** An event as the tap sees it: the wire fields, and the envelope parsed on first use (once for every rule). */
export interface ObservedEvent {
  wire: WireEvent;
  envelope(): unknown;
}

/**
 * Characters a group's value keeps: every report carries each group's values, and a rule grouped
 * by a field holding whole payloads would otherwise send reports past the RPC limit, taking every
 * rule's counts with them. Longer values are cut (values alike in their first characters share a group).
 */
export const MAX_GROUP_VALUE_CHARS = 256;

function groupValue(value: unknown): unknown {
  if (typeof value === "string") return value.length > MAX_GROUP_VALUE_CHARS ? `${value.slice(0, MAX_GROUP_VALUE_CHARS - 1)}…` : value;
  if (value === null || typeof value !== "object") return value;
  const json = JSON.stringify(value);
  return json.length > MAX_GROUP_VALUE_CHARS ? `${json.slice(0, MAX_GROUP_VALUE_CHARS - 1)}…` : value;
}

export interface RuleMatch {
  /** One per groupBy field; a missing field is null. */
  values: unknown[];
  /** sampleRate: how many events this one stands for. */
  weight: number;
  /** It matches `where` (for a rate rule: and `of`). */
  matched: boolean;
  /** Rate rules: it matches `of`. */
  inOf: boolean;
}

/** A `where` (or `of`) split into the conditions the wire fields answer and those needing the envelope. */
class SplitWhere {
  private readonly wire: Predicate;
  private readonly envelope: Predicate | null;

  constructor(conditions: readonly Condition[]) {
    const wire: Condition[] = [];
    const rest: Condition[] = [];
    for (const condition of conditions) (onWire(condition.field) ? wire : rest).push(condition);
    this.wire = compileWhere(wire);
    this.envelope = rest.length === 0 ? null : compileWhere(rest);
  }

  test(event: ObservedEvent): boolean {
    return this.wire(event.wire) && (this.envelope === null || this.envelope(event.envelope()));
  }
}

/** One rule compiled for the collector: which events it counts, in which group, with what weight. */
export class RuleMatcher {
  private readonly where: SplitWhere;
  private readonly of: SplitWhere | null;
  private readonly groupBy: { wire: boolean; read: (event: unknown) => unknown }[];

  constructor(readonly rule: AlertRule) {
    this.where = new SplitWhere(rule.where);
    this.of = rule.kind === "threshold" && rule.of !== undefined ? new SplitWhere(rule.of) : null;
    this.groupBy = rule.groupBy.map((field) => ({ wire: onWire(field), read: fieldPath(field).read }));
  }

  /** What the event adds to this rule, or null when it adds nothing. */
  match(event: ObservedEvent): RuleMatch | null {
    let matched: boolean;
    if (this.of === null) {
      if (!this.where.test(event)) return null;
      matched = true;
    } else {
      if (!this.of.test(event)) return null;
      matched = this.where.test(event);
    }
    const values = this.groupBy.map(({ wire, read }) => groupValue(read(wire ? event.wire : event.envelope()) ?? null));
    return { values, weight: weightOf(event.envelope()), matched, inOf: this.of !== null };
  }
}
