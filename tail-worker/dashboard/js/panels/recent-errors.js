import { runQuery } from "../api.js";
import { eventsWithErrorField, recentProblems } from "../dashboard-queries.js";
import { el } from "../dom.js";
import { errorEntries } from "../error-list.js";
import { clip, formatCount, isoTime, timeAgo } from "../format.js";
import { panel } from "../panel.js";
import { sampleNote } from "../rows.js";

export function createRecentErrors() {
  const view = panel("errors-panel");
  return {
    async refresh(ctx) {
      await view.run(async () => {
        const answers = await Promise.all([runQuery(recentProblems(ctx.from)), runQuery(eventsWithErrorField(ctx.from))]);
        const entries = errorEntries(answers.flatMap((a) => a.rows ?? []));
        const now = Date.now();
        view.body.replaceChildren(
          entries.length === 0
            ? el("p", { class: "empty" }, "No errors in this window.")
            : el(
                "ol",
                { class: "errors" },
                entries.map((e) =>
                  el(
                    "li",
                    { dataset: { kind: e.kind, type: e.type }, title: e.context },
                    el("time", { class: "when", datetime: isoTime(e.timestamp), title: isoTime(e.timestamp) }, timeAgo(e.timestamp, now)),
                    el("span", { class: "script", title: e.script ?? "no script name (local dev)" }, e.script ?? "–"),
                    el(
                      "span",
                      { class: "message" },
                      el("span", { class: "badge", dataset: { importance: String(e.importance) } }, e.type),
                      " ",
                      clip(e.message, 400),
                      e.context && e.context !== e.message ? el("span", { class: "context" }, ` · ${e.context}`) : null,
                    ),
                  ),
                ),
              ),
        );
        const notes = answers.map((a) => sampleNote(a, formatCount)).filter(Boolean);
        view.setMeta([`${entries.length} shown`, `last ${ctx.windowName}`, ...new Set(notes)].join(" · "));
      });
    },
  };
}
