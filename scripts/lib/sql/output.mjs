/**
 * Printing a result ({ columns, rows } from result-rows.mjs): an aligned table for a terminal,
 * NDJSON, CSV or one JSON array for pipes. Each function answers the text to write.
 */
export const FORMATS = ["table", "ndjson", "csv", "json"];

export function formatResult({ columns, rows }, format) {
  switch (format) {
    case "ndjson":
      return rows.map((row) => `${JSON.stringify(row)}\n`).join("");
    case "json":
      return `${JSON.stringify(rows)}\n`;
    case "csv":
      return csv(columns, rows);
    default:
      return table(columns, rows);
  }
}

/** A cell as text: strings as they are, objects and arrays (JSON columns, lists) as JSON. */
function cellText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** RFC 4180: a header row, fields quoted when they hold a comma, quote or line break. */
function csv(columns, rows) {
  const field = (text) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const lines = [columns.map((c) => field(c.name)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => field(cellText(row[c.name]))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;
/** Cells wider than this are cut with "…" in the table (the other formats keep everything). */
const MAX_CELL = 60;

/**
 * Columns padded to their widest cell, numbers right-aligned, NULL shown as "NULL", line breaks
 * as "↵" so that a row stays on one line; a last line counts the rows.
 */
function table(columns, rows) {
  const show = (value) => {
    if (value === null || value === undefined) return "NULL";
    const text = cellText(value).replace(/\r?\n/g, "↵");
    return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
  };
  const cells = rows.map((row) => columns.map((c) => show(row[c.name])));
  const widths = columns.map((c, i) => Math.max(c.name.length, ...cells.map((line) => line[i].length)));
  const right = columns.map((c) => NUMERIC.test(c.type));
  const line = (values) =>
    values
      .map((text, i) => (right[i] ? text.padStart(widths[i]) : text.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const out = [line(columns.map((c) => c.name)), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)];
  out.push(`(${rows.length} ${rows.length === 1 ? "row" : "rows"})`);
  return `${out.join("\n")}\n`;
}
