import type { AlertGroupView, AlertRuleView, AlertsView, DeliveryCounts } from "../../../schemas/alert-rpc";
import type { AlertRule } from "../../../schemas/config/alert-rules";
import { type AlertGroup, groupObject, measure } from "./alert-group";
import { redactDestination } from "./delivery";
import type { GroupStore } from "./group-store";
import type { Outbox } from "./outbox";

/** Transitions GET /alerts shows, newest first. */
const SHOWN_TRANSITIONS = 50;

export interface ViewInput {
  rules: readonly AlertRule[];
  groups: ReadonlyMap<string, ReadonlyMap<string, AlertGroup>>;
  now: number;
  store: GroupStore;
  outbox: Outbox;
  delivery: DeliveryCounts;
  reports: AlertsView["reports"];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** GET /alerts: every rule with its groups as of now (firing first), the last transitions, the outbox. */
export function viewAlerts(input: ViewInput): AlertsView {
  const order = { firing: 0, pending: 1, ok: 2, resolved: 3 };
  const rules = input.rules.map((rule): AlertRuleView => {
    const groups = [...(input.groups.get(rule.name)?.values() ?? [])]
      .map((group) => viewGroup(rule, group, input.now))
      .sort((a, b) => order[a.state] - order[b.state] || b.count - a.count);
    return {
      name: rule.name,
      kind: rule.kind,
      where: [...rule.where],
      groupBy: rule.groupBy,
      ...(rule.kind === "threshold"
        ? {
            threshold: rule.threshold,
            window: rule.window,
            ...(rule.rate === undefined ? {} : { rate: rule.rate, of: [...(rule.of ?? [])] }),
          }
        : { absentFor: rule.absentFor }),
      repeat: rule.repeat,
      notify: rule.notify.map(redactDestination),
      groups,
    };
  });
  return {
    rules,
    transitions: input.store.transitions(SHOWN_TRANSITIONS),
    outbox: input.outbox.summary(),
    delivery: { ...input.delivery },
    reports: { ...input.reports },
  };
}

function viewGroup(rule: AlertRule, group: AlertGroup, now: number): AlertGroupView {
  const m = measure(rule, group, now);
  return {
    group: groupObject(rule, group.values),
    state: group.state,
    since: new Date(group.since).toISOString(),
    count: m.count,
    ...(m.rate === undefined ? {} : { of: m.of, rate: m.rate }),
    ...(rule.kind === "absence" ? { lastSeenAt: iso(group.lastSeenAt) } : {}),
    lastNotifiedAt: iso(group.lastNotifiedAt),
  };
}
