import { field, numeric } from "./rows.js";

/** Events over time: the importance series and the bucketing of /query rows grouped by timestamp. */
export const SERIES = [
  { importance: 0, label: "CRITICAL", color: "#d93025" },
  { importance: 1, label: "HIGH", color: "#e37400" },
  { importance: 2, label: "NORMAL", color: "#1a73e8" },
  { importance: 3, label: "LOW", color: "#80868b" },
];

/** Counts per bucket and importance, as uPlot's columns: [x seconds, CRITICAL, HIGH, NORMAL, LOW]. */
export function bucketCounts(rows, from, to, bucketMs) {
  const start = Math.floor(from / bucketMs) * bucketMs;
  const buckets = Math.max(1, Math.ceil((to - start) / bucketMs));
  const xs = Array.from({ length: buckets }, (_, i) => (start + i * bucketMs) / 1000);
  const columns = SERIES.map(() => new Array(buckets).fill(0));
  let events = 0;
  for (const row of rows) {
    const timestamp = numeric(field(row, "timestamp"));
    const importance = numeric(field(row, "importance"));
    const count = numeric(field(row, "count")) ?? 0;
    if (timestamp === undefined || importance === undefined || timestamp < start) continue;
    const index = Math.min(buckets - 1, Math.floor((timestamp - start) / bucketMs));
    const series = SERIES.findIndex((s) => s.importance === importance);
    if (series < 0) continue;
    columns[series][index] += count;
    events += count;
  }
  return { data: [xs, ...columns], events };
}
