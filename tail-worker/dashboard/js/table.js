import { el } from "./dom.js";
import { clip, formatNumber, isoTime } from "./format.js";

const MAX_COLUMNS = 14;

/** The columns of a set of rows: every top-level key, in order of first appearance. */
export function columnsOf(rows) {
  const seen = new Set();
  for (const row of rows) if (row && typeof row === "object") for (const key of Object.keys(row)) seen.add(key);
  return [...seen].slice(0, MAX_COLUMNS);
}

/** A table of result rows; objects are shown as compact JSON (full text in the tooltip). */
export function resultTable(rows, columns = columnsOf(rows)) {
  const head = el(
    "tr",
    {},
    columns.map((c) => el("th", { scope: "col" }, c)),
  );
  const body = rows.map((row) =>
    el(
      "tr",
      {},
      columns.map((c) => cell(c, row?.[c])),
    ),
  );
  return el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, head), el("tbody", {}, body)));
}

function cell(column, value) {
  if (typeof value === "number") {
    const time = column === "timestamp" && value > 1e11 ? isoTime(value) : undefined;
    return el("td", { class: time ? "mono" : "num", title: time ? String(value) : undefined }, time ?? formatNumber(value));
  }
  if (value === null || value === undefined) return el("td", { class: "empty-cell" }, "–");
  if (typeof value === "object") {
    const text = JSON.stringify(value);
    return el("td", { class: "cell-json mono", title: clip(text, 4000) }, clip(text, 160));
  }
  return el("td", {}, clip(String(value), 300));
}
