import { runQuery } from "../api.js";
import { countsByTypeAndScript } from "../dashboard-queries.js";
import { el } from "../dom.js";
import { formatCount } from "../format.js";
import { panel } from "../panel.js";
import { field, numeric, sampleNote } from "../rows.js";

const SHOWN = 8;

/** The largest `SHOWN` totals of one group-by field, from rows grouped by several fields. */
export function topOf(rows, fieldPath, emptyName) {
  const totals = new Map();
  for (const row of rows) {
    const value = field(row, fieldPath);
    const name = value === null || value === undefined || value === "" ? emptyName : String(value);
    totals.set(name, (totals.get(name) ?? 0) + (numeric(field(row, "count")) ?? 0));
  }
  return [...totals]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, SHOWN);
}

/** A ranked list: name, count and a bar proportional to the largest count. */
function rankedList(items) {
  if (items.length === 0) return el("p", { class: "empty" }, "No events in this window.");
  const max = Math.max(...items.map((i) => i.count), 1);
  return el(
    "ol",
    { class: "ranked" },
    items.map(({ name, count }) => {
      const bar = el("span");
      bar.style.width = `${Math.max(1, (count / max) * 100)}%`;
      return el(
        "li",
        {},
        el("span", { class: "name", title: name }, name),
        el("span", { class: "count" }, formatCount(count)),
        el("span", { class: "share", "aria-hidden": "true" }, bar),
      );
    }),
  );
}

/** "Top event types" and "Top scripts", from one query grouped by both. */
export function createTopLists() {
  const types = panel("types-panel");
  const scripts = panel("scripts-panel");
  return {
    async refresh(ctx) {
      const answer = runQuery(countsByTypeAndScript(ctx.from));
      const meta = (result) =>
        [`last ${ctx.windowName}`, sampleNote(result, formatCount), result.truncated ? "truncated" : ""].filter(Boolean).join(" · ");
      await Promise.all([
        types.run(async () => {
          const result = await answer;
          types.body.replaceChildren(rankedList(topOf(result.rows ?? [], "type", "(none)")));
          types.setMeta(meta(result));
        }),
        scripts.run(async () => {
          const result = await answer;
          scripts.body.replaceChildren(rankedList(topOf(result.rows ?? [], "script", "(no script name)")));
          scripts.setMeta(meta(result));
        }),
      ]);
    },
  };
}
