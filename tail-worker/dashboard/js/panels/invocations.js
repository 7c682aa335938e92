import { el } from "../dom.js";
import { clock, formatCount, formatMs, formatPercent } from "../format.js";
import { panel } from "../panel.js";
import { field, numeric, sampleNote, sourceNote } from "../rows.js";

/** A failed invocation: an outcome other than ok, or a 5xx answer (how an uncaught exception looks locally). */
export function isFailure(outcome, status) {
  return (outcome !== "ok" && outcome !== null && outcome !== undefined) || (numeric(status) ?? 0) >= 500;
}

function stat(label, value, key) {
  return el(
    "div",
    { class: "stat", dataset: { stat: key } },
    el("div", { class: "stat-label" }, label),
    el("div", { class: "stat-value" }, value),
  );
}

export function createInvocations() {
  const view = panel("invocations-panel");
  return {
    async refresh(ctx) {
      await view.run(async () => {
        const [timings, outcomes] = await Promise.all([ctx.counts.timings, ctx.counts.outcomes]);
        const t = timings.rows?.[0] ?? {};
        const groups = (outcomes.rows ?? []).map((row) => ({
          outcome: field(row, "data.outcome") ?? "unknown",
          status: field(row, "data.status"),
          count: numeric(field(row, "count")) ?? 0,
        }));
        const total = groups.reduce((sum, g) => sum + g.count, 0);
        const failed = groups.filter((g) => isFailure(g.outcome, g.status)).reduce((sum, g) => sum + g.count, 0);
        const byOutcome = new Map();
        for (const g of groups) {
          const key = isFailure(g.outcome, g.status) && g.outcome === "ok" ? `ok, status ${g.status}` : String(g.outcome);
          byOutcome.set(key, (byOutcome.get(key) ?? 0) + g.count);
        }
        view.body.replaceChildren(
          el(
            "div",
            { class: "stats" },
            stat("Success rate", total === 0 ? "–" : formatPercent((total - failed) / total), "success-rate"),
            stat("Invocations", formatCount(total), "invocations"),
            stat("Failed", formatCount(failed), "failed"),
            stat("p50 wall time", formatMs(numeric(field(t, "p50_wallTime"))), "p50"),
            stat("p95 wall time", formatMs(numeric(field(t, "p95_wallTime"))), "p95"),
            stat("p95 CPU time", formatMs(numeric(field(t, "p95_cpuTime"))), "p95-cpu"),
          ),
          total === 0
            ? el("p", { class: "empty" }, "No invocations in this window.")
            : el(
                "div",
                { class: "table-wrap" },
                el(
                  "table",
                  {},
                  el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "outcome"), el("th", { scope: "col" }, "invocations"))),
                  el(
                    "tbody",
                    {},
                    [...byOutcome].map(([outcome, count]) =>
                      el("tr", {}, el("td", {}, outcome), el("td", { class: "num" }, formatCount(count))),
                    ),
                  ),
                ),
              ),
        );
        const since = timings.rollups?.percentiles?.from;
        view.setMeta(
          [
            `last ${ctx.windowName}`,
            sourceNote(outcomes, formatCount),
            sampleNote(outcomes, formatCount),
            since ? `times since ${clock(new Date(since))} (quarter hours)` : "",
          ]
            .filter(Boolean)
            .join(" · "),
        );
      });
    },
  };
}
