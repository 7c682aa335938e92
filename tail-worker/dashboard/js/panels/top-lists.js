import { runQuery } from "../api.js";
import { el } from "../dom.js";
import { topBy } from "../dashboard-queries.js";
import { formatCount } from "../format.js";
import { panel } from "../panel.js";
import { field, numeric } from "../rows.js";

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
      return el("li", {}, el("span", { class: "name", title: name }, name), el("span", { class: "count" }, formatCount(count)), el("span", { class: "share", "aria-hidden": "true" }, bar));
    }),
  );
}

/** "Top event types" or "Top scripts": counts grouped by one field of the envelope. */
export function createTopList(panelId, fieldPath, emptyName) {
  const view = panel(panelId);
  return {
    async refresh(ctx) {
      await view.run(async () => {
        const result = await runQuery(topBy(ctx.from, fieldPath));
        const items = (result.rows ?? []).map((row) => {
          const value = field(row, fieldPath);
          return { name: value === null || value === undefined || value === "" ? emptyName : String(value), count: numeric(field(row, "count")) ?? 0 };
        });
        view.body.replaceChildren(rankedList(items));
        view.setMeta(`last ${ctx.windowName}`);
      });
    },
  };
}
