import { answerSource } from "../answer-source.js";
import { api } from "../api.js";
import { el } from "../dom.js";
import { formatCount, formatMs, formatPercent } from "../format.js";
import { panel } from "../panel.js";
import { sampleNote } from "../rows.js";

/** uptimePercent may come as 0-100; shown with a warning colour below 99 %. */
function uptimeCell(percent) {
  if (typeof percent !== "number") return el("td", { class: "num" }, "–");
  return el("td", { class: `num ${percent < 99 ? "uptime-bad" : "uptime-ok"}` }, formatPercent(percent / 100));
}

export function createUptime() {
  const view = panel("uptime-panel");
  return {
    async refresh(ctx) {
      await view.run(async () => {
        const fleet = await api(`/insights/fleet?window=${encodeURIComponent(ctx.windowName)}`);
        const monitors = [...(fleet.monitors ?? [])].sort((a, b) => (a.uptimePercent ?? 100) - (b.uptimePercent ?? 100));
        const overall = fleet.overall ?? {};
        view.body.replaceChildren(
          el(
            "div",
            { class: "stats" },
            el(
              "div",
              { class: "stat" },
              el("div", { class: "stat-label" }, "Fleet uptime"),
              el(
                "div",
                { class: "stat-value" },
                typeof overall.uptimePercent === "number" ? formatPercent(overall.uptimePercent / 100) : "–",
              ),
            ),
            el(
              "div",
              { class: "stat" },
              el("div", { class: "stat-label" }, "Avg latency"),
              el("div", { class: "stat-value" }, formatMs(overall.avgLatencyMs)),
            ),
            el(
              "div",
              { class: "stat" },
              el("div", { class: "stat-label" }, "Failures"),
              el("div", { class: "stat-value" }, formatCount(overall.failures)),
            ),
          ),
          monitors.length === 0
            ? el("p", { class: "empty" }, "No heartbeats in this window.")
            : el(
                "div",
                { class: "table-wrap" },
                el(
                  "table",
                  {},
                  el(
                    "thead",
                    {},
                    el(
                      "tr",
                      {},
                      ["monitor", "uptime", "avg latency", "failures", "heartbeats"].map((h) => el("th", { scope: "col" }, h)),
                    ),
                  ),
                  el(
                    "tbody",
                    {},
                    monitors.map((m) =>
                      el(
                        "tr",
                        {},
                        el("td", {}, m.monitorId),
                        uptimeCell(m.uptimePercent),
                        el("td", { class: "num" }, formatMs(m.avgLatencyMs)),
                        el("td", { class: "num" }, formatCount(m.failures)),
                        el("td", { class: "num" }, formatCount(m.heartbeats)),
                      ),
                    ),
                  ),
                ),
              ),
        );
        const from = answerSource(fleet);
        view.setMeta([`window ${fleet.window ?? ctx.windowName}`, from.note, sampleNote(fleet, formatCount)].filter(Boolean).join(" · "));
        view.section.dataset.source = from.source;
        view.section.querySelector(".panel-meta")?.setAttribute("title", from.detail);
      });
    },
  };
}
