import type { FieldPath } from "../../schemas/filter/field-path";

/** Server-side time buckets: `bucket: "5m"` groups events by the UTC interval their timestamp falls in. */
export const BUCKETS = { "1m": 60_000, "5m": 300_000, "15m": 900_000, "1h": 3_600_000, "1d": 86_400_000 } as const;
export type BucketName = keyof typeof BUCKETS;

/** Rows name it `bucket`: the start of the interval, epoch ms. */
export const BUCKET_FIELD = "bucket";

export function bucketStart(timestamp: number, bucketMs: number): number {
  return Math.floor(timestamp / bucketMs) * bucketMs;
}

/** The bucket as a group field: events without a numeric timestamp group as null. */
export function bucketField(bucketMs: number): FieldPath {
  return {
    name: BUCKET_FIELD,
    segments: ["timestamp"],
    read(event) {
      const timestamp = (event as { timestamp?: unknown } | null)?.timestamp;
      return typeof timestamp === "number" ? bucketStart(timestamp, bucketMs) : null;
    },
  };
}
