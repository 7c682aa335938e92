import { runQuery } from "../api.js";
import { chartColumns } from "../chart-columns.js";
import { barOptions, ChartSlot } from "../charts.js";
import { byId, el } from "../dom.js";
import { formatBytes, formatCount, formatMs } from "../format.js";
import { panel } from "../panel.js";
import { PRESETS } from "../query-presets.js";
import { describeScan, numeric } from "../rows.js";
import { resultTable } from "../table.js";

const TABLE_ROWS = 500;
const CHART_BARS = 40;

/** The query box: a JSON editor with examples; runs POST /query and shows a table or a chart. */
export function createQueryBox() {
  const view = panel("query-panel");
  const form = byId("query-form");
  const input = byId("query-input");
  const presets = byId("query-preset");
  const summary = el("p", { class: "query-summary", role: "status" });
  const output = el("div");
  const chartHost = el("div", { class: "chart", "data-chart": "query" });
  view.body.append(summary, output, chartHost);
  const slot = new ChartSlot(chartHost, 260);
  view.section.dataset.state = "ready";
  let last = null;

  presets.append(...PRESETS.map((p, i) => el("option", { value: String(i) }, p.name)));
  const showPreset = () => {
    input.value = JSON.stringify(PRESETS[Number(presets.value)]?.query ?? {}, null, 2);
  };
  showPreset();
  presets.addEventListener("change", showPreset);

  const selectedView = () => form.querySelector('input[name="query-view"]:checked')?.value ?? "table";
  form.addEventListener("change", (event) => {
    if (event.target.name === "query-view" && last) render(last);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void run();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void run();
    }
  });

  function render(result) {
    const rows = Array.isArray(result.rows) ? result.rows : [];
    summary.textContent = `${describeScan(result, formatBytes, formatCount)} · ${formatMs(result.elapsedMs)}`;
    slot.clear();
    output.replaceChildren();
    if (rows.length === 0) {
      output.append(el("p", { class: "empty" }, "No rows."));
      return;
    }
    const chart = selectedView() === "chart" ? chartColumns(rows, result.query) : undefined;
    if (selectedView() === "chart" && chart === undefined)
      output.append(el("p", { class: "empty" }, "Nothing to chart: the rows have no numeric column. Showing the table."));
    if (chart === undefined) {
      output.append(resultTable(rows.slice(0, TABLE_ROWS)));
      if (rows.length > TABLE_ROWS) output.append(el("p", { class: "hint" }, `First ${TABLE_ROWS} of ${formatCount(rows.length)} rows.`));
      return;
    }
    const shown = rows.slice(0, CHART_BARS);
    const labels = shown.map((r) => chart.labels.map((c) => String(r?.[c] ?? "–")).join(" · ") || "–");
    const values = shown.map((r) => numeric(r?.[chart.value]) ?? null);
    const options = barOptions(labels, chart.value, {
      wholeNumbers: values.every((v) => v === null || Number.isInteger(v)),
      labelName: chart.labels.join(" · "),
    });
    slot.draw(null, options, [shown.map((_, i) => i), values]);
  }

  async function run() {
    let query;
    try {
      query = JSON.parse(input.value);
    } catch (error) {
      view.fail(`The query is not valid JSON: ${error.message}`);
      return;
    }
    const started = performance.now();
    await view
      .run(async () => {
        const result = await runQuery(query);
        last = { ...result, query, elapsedMs: performance.now() - started };
        render(last);
      })
      .catch(() => {});
  }

  return { run };
}
