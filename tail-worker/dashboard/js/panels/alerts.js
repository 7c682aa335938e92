import { api } from "../api.js";
import { el } from "../dom.js";
import { formatCount, formatNumber, formatPercent, isoTime, timeAgo } from "../format.js";
import { panel } from "../panel.js";

/** Badge tones: the importance colours of the page (firing as CRITICAL, pending as HIGH). */
const TONE = { firing: "0", pending: "1", ok: "3", resolved: "3" };
const STATE_ORDER = { firing: 0, pending: 1, ok: 2, resolved: 3 };

const groupText = (group) =>
  Object.entries(group ?? {})
    .map(([field, value]) => `${field}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(", ") || "(all)";

/** What the rule compares, e.g. "12 / 10 in 5m", "7.1% of 140 (≥ 5%)", "absent 5m". */
function measureText(rule, group) {
  if (rule.kind === "absence") return group.state === "firing" ? `nothing for ${rule.absentFor}` : `seen ${timeAgo(group.lastSeenAt)}`;
  if (rule.rate !== undefined) return `${formatPercent(group.rate)} of ${formatCount(group.of)} (≥ ${formatPercent(rule.rate)})`;
  return `${formatNumber(group.count)} / ${formatNumber(rule.threshold)} in ${rule.window}`;
}

/**
 * GET /alerts as table rows, firing first: one per group, and one per rule that has none yet
 * ([rule, group, state, measure, since]).
 */
export function alertRows(view) {
  const rows = [];
  for (const rule of view.rules ?? []) {
    if ((rule.groups ?? []).length === 0) {
      rows.push({
        rule: rule.name,
        group: "–",
        state: "ok",
        measure: rule.kind === "absence" ? `none seen yet` : "no events",
        since: null,
      });
      continue;
    }
    for (const group of rule.groups)
      rows.push({
        rule: rule.name,
        group: groupText(group.group),
        state: group.state,
        measure: measureText(rule, group),
        since: group.since,
      });
  }
  return rows.sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.rule.localeCompare(b.rule));
}

const HEADINGS = ["rule", "group", "state", "value", "since"];

function stateTable(rows, now) {
  const head = el(
    "tr",
    {},
    HEADINGS.map((h) => el("th", { scope: "col" }, h)),
  );
  const body = rows.map((r) =>
    el(
      "tr",
      { dataset: { state: r.state } },
      el("td", {}, r.rule),
      el("td", {}, r.group),
      el("td", {}, el("span", { class: "badge", dataset: { importance: TONE[r.state] } }, r.state)),
      el("td", { class: "num" }, r.measure),
      el("td", { title: r.since ? isoTime(r.since) : "" }, r.since ? timeAgo(r.since, now) : "–"),
    ),
  );
  return el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, head), el("tbody", {}, body)));
}

/** The last transitions, newest first (GET /alerts keeps 50; 10 are shown). */
function transitionList(transitions, now) {
  const items = transitions
    .slice(0, 10)
    .map((t) =>
      el(
        "li",
        {},
        el("time", { class: "when", datetime: t.at, title: t.at }, timeAgo(t.at, now)),
        el("span", { class: "script" }, t.rule),
        el("span", { class: "message" }, `${groupText(t.group)}: ${t.from} → ${t.to} (${formatNumber(t.count)})`),
      ),
    );
  return el("ol", { class: "errors" }, items);
}

export function createAlerts() {
  const view = panel("alerts-panel");
  return {
    async refresh() {
      await view.run(async () => {
        const alerts = await api("/alerts");
        const rows = alertRows(alerts);
        const firing = rows.filter((r) => r.state === "firing").length;
        const outbox = alerts.outbox ?? {};
        const now = Date.now();
        const table =
          (alerts.rules ?? []).length === 0
            ? el("p", { class: "empty" }, "No alert rules. Set ALERT_RULES (see the README, Alerts).")
            : stateTable(rows, now);
        const transitions = alerts.transitions ?? [];
        view.body.replaceChildren(table, ...(transitions.length === 0 ? [] : [transitionList(transitions, now)]));
        const waiting = outbox.pending ? ` · ${formatCount(outbox.pending)} notifications waiting` : "";
        const failed = outbox.failed ? ` · ${formatCount(outbox.failed)} failed` : "";
        const rules = (alerts.rules ?? []).length;
        view.setMeta(`${formatCount(firing)} firing · ${formatCount(rules)} ${rules === 1 ? "rule" : "rules"}${waiting}${failed}`);
      });
    },
  };
}
