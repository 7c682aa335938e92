/** The dashboard's time windows: length and the width of one bucket of the events-over-time chart. */
export const WINDOWS = {
  "15m": { ms: 15 * 60_000, bucketMs: 30_000 },
  "1h": { ms: 60 * 60_000, bucketMs: 60_000 },
  "6h": { ms: 6 * 60 * 60_000, bucketMs: 5 * 60_000 },
  "24h": { ms: 24 * 60 * 60_000, bucketMs: 15 * 60_000 },
};

export function windowOf(name) {
  return WINDOWS[name] ?? WINDOWS["1h"];
}
