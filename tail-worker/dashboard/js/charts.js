import uPlot from "/vendor/uplot/uPlot.esm.js";
import { clip, formatNumber } from "./format.js";

/**
 * A place for one uPlot chart that follows its container's width. Drawing again with the same
 * `key` (same series) only replaces the data; another key rebuilds the chart.
 */
export class ChartSlot {
  constructor(container, height = 220) {
    this.container = container;
    this.height = height;
    this.plot = null;
    this.key = null;
    new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: this.height })).observe(container);
  }

  width() {
    return Math.max(160, Math.floor(this.container.clientWidth));
  }

  draw(key, options, data) {
    if (this.plot && this.key === key) {
      this.plot.setData(data);
      return;
    }
    this.clear();
    this.key = key;
    this.plot = new uPlot({ ...options, width: this.width(), height: this.height }, data, this.container);
  }

  clear() {
    this.plot?.destroy();
    this.plot = null;
    this.key = null;
  }
}

const AXIS = { stroke: "#5f6670", grid: { stroke: "#eceef1" }, ticks: { stroke: "#d9dde3" } };
/** Tick steps for counts: no 0.2 events. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 1e7, 1e8, 1e9];

/** Lines over time: x in seconds since the epoch, one series per `{label, color}`. */
export function timeSeriesOptions(series) {
  return {
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [AXIS, { ...AXIS, size: 50, incrs: WHOLE_STEPS, values: (_u, splits) => splits.map(formatNumber) }],
    series: [
      {},
      ...series.map(({ label, color }) => ({
        label,
        stroke: color,
        width: 2,
        fill: `${color}1a`,
        points: { show: false },
        value: (_u, v) => (v === null || v === undefined ? "–" : formatNumber(v)),
      })),
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  };
}

/** Bars for categories: x is the category's index, labelled with its (clipped) name. */
export function barOptions(labels, seriesLabel, { wholeNumbers = false, labelName = "" } = {}, color = "#1a73e8") {
  const maxChars = Math.max(4, Math.min(18, Math.floor(90 / Math.max(1, labels.length)) + 4));
  return {
    scales: {
      x: { time: false, range: () => [-0.5, labels.length - 0.5] },
      y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
    },
    axes: [
      {
        ...AXIS,
        splits: () => labels.map((_, i) => i),
        values: (_u, splits) => splits.map((i) => clip(labels[i] ?? "", maxChars)),
        grid: { show: false },
      },
      { ...AXIS, size: 50, ...(wholeNumbers ? { incrs: WHOLE_STEPS } : {}), values: (_u, splits) => splits.map(formatNumber) },
    ],
    series: [
      { label: labelName, value: (_u, i) => labels[i] ?? "" },
      {
        label: seriesLabel,
        stroke: color,
        fill: `${color}b3`,
        width: 1,
        paths: uPlot.paths.bars({ size: [0.7, 80] }),
        points: { show: false },
        value: (_u, v) => formatNumber(v),
      },
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  };
}
