import { el } from "../dom.js";
import { formatCount } from "../format.js";
import { panel } from "../panel.js";
import { field, numeric, sampleNote, sourceNote } from "../rows.js";

const SHOWN = 8;

/**
 * The largest `SHOWN` totals of one group-by field, from rows grouped by it (and maybe others).
 * Rollups name each hour's largest values and count the rest together (`other: true`).
 */
export function topOf(rows, fieldPath, emptyName, otherName = "(others)") {
  const totals = new Map();
  for (const row of rows) {
    const value = field(row, fieldPath);
    const name = row.other === true ? otherName : value === null || value === undefined || value === "" ? emptyName : String(value);
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

/** "Top event types" and "Top scripts", from the counts of the refresh's batch. */
export function createTopLists() {
  const types = panel("types-panel");
  const scripts = panel("scripts-panel");
  const meta = (ctx, result) =>
    [`last ${ctx.windowName}`, sourceNote(result, formatCount), sampleNote(result, formatCount), result.truncated ? "truncated" : ""]
      .filter(Boolean)
      .join(" · ");
  return {
    async refresh(ctx) {
      await Promise.all([
        types.run(async () => {
          const result = await ctx.counts.types;
          types.body.replaceChildren(rankedList(topOf(result.rows ?? [], "type", "(none)", "(other types)")));
          types.setMeta(meta(ctx, result));
        }),
        scripts.run(async () => {
          const result = await ctx.counts.scripts;
          scripts.body.replaceChildren(rankedList(topOf(result.rows ?? [], "script", "(no script name)", "(other scripts)")));
          scripts.setMeta(meta(ctx, result));
        }),
      ]);
    },
  };
}
