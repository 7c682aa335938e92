import { field, numeric } from "./rows.js";

/** Events over time: the importance series, and /query rows by bucket and importance as chart columns. */
export const SERIES = [
  { importance: 0, label: "CRITICAL", color: "#d93025" },
  { importance: 1, label: "HIGH", color: "#e37400" },
  { importance: 2, label: "NORMAL", color: "#1a73e8" },
  { importance: 3, label: "LOW", color: "#80868b" },
];

/**
 * The importance-hours a counts answer could not count, drawn as gaps: those the archive listing
 * did not reach within its budget, and hours whose rollups were past the read budget.
 */
export function gapsOf(result) {
  const unread = (result?.rollups?.unreadHours ?? []).flatMap((hour) =>
    SERIES.map((s) => ({ hourStart: Date.parse(hour), importance: s.importance })),
  );
  return [...(result?.listing?.unlisted ?? []), ...unread];
}

/**
 * Counts per bucket and importance, as uPlot's columns: [x seconds, CRITICAL, HIGH, NORMAL, LOW].
 * Rows carry `bucket` (select "counts" with a bucket, counts in `events`) or a `timestamp` (and
 * `count`); either is placed in the chart's bucket of that width. Importance-hours the archive
 * listing could not list within its budget (`unlisted`) are gaps (null), not zeros.
 */
export function bucketCounts(rows, from, to, bucketMs, unlisted = []) {
  const start = Math.floor(from / bucketMs) * bucketMs;
  const buckets = Math.max(1, Math.ceil((to - start) / bucketMs));
  const xs = Array.from({ length: buckets }, (_, i) => (start + i * bucketMs) / 1000);
  const columns = SERIES.map(() => new Array(buckets).fill(0));
  let events = 0;
  for (const row of rows) {
    const timestamp = numeric(field(row, "bucket")) ?? numeric(field(row, "timestamp"));
    const importance = numeric(field(row, "importance"));
    const count = numeric(field(row, "events")) ?? numeric(field(row, "count")) ?? 0;
    if (timestamp === undefined || importance === undefined || timestamp < start) continue;
    const index = Math.min(buckets - 1, Math.floor((timestamp - start) / bucketMs));
    const series = SERIES.findIndex((s) => s.importance === importance);
    if (series < 0) continue;
    columns[series][index] += count;
    events += count;
  }
  for (const { hourStart, importance } of unlisted) {
    const series = SERIES.findIndex((s) => s.importance === importance);
    if (series < 0) continue;
    for (let i = 0; i < buckets; i++) {
      const bucketStart = start + i * bucketMs;
      if (bucketStart < hourStart + 3_600_000 && bucketStart + bucketMs > hourStart) columns[series][i] = null;
    }
  }
  return { data: [xs, ...columns], events };
}
