/**
 * The dashboard's time windows: length, and the server-side time bucket of the events-over-time
 * chart (`bucket` of POST /query; rows come back per bucket, never per event).
 */
export const WINDOWS = {
  "15m": { ms: 15 * 60_000, bucket: "1m", bucketMs: 60_000 },
  "1h": { ms: 60 * 60_000, bucket: "1m", bucketMs: 60_000 },
  "6h": { ms: 6 * 60 * 60_000, bucket: "5m", bucketMs: 5 * 60_000 },
  "24h": { ms: 24 * 60 * 60_000, bucket: "15m", bucketMs: 15 * 60_000 },
  "7d": { ms: 7 * 24 * 60 * 60_000, bucket: "1h", bucketMs: 60 * 60_000 },
};

export function windowOf(name) {
  return WINDOWS[name] ?? WINDOWS["1h"];
}
