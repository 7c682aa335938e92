import { utf8ByteLength } from "../lib/utf8";
import { AE_LIMITS, type DataPoint } from "./data-point";

/** Why a data point cannot be written as it is; each reason is a counter in /stats. */
export type LimitViolation = "tooManyBlobs" | "tooManyDoubles" | "tooManyIndexes" | "indexTooLong" | "blobsTooLarge";

/**
 * Checks one data point against Analytics Engine's per-point limits. Answers the first violation,
 * or undefined when it fits. Points are checked whole rather than trimmed: a cut blob or index
 * would silently change what a dashboard groups by.
 */
export function limitViolation(point: DataPoint): LimitViolation | undefined {
  if (point.blobs.length > AE_LIMITS.blobs) return "tooManyBlobs";
  if (point.doubles.length > AE_LIMITS.doubles) return "tooManyDoubles";
  if (point.indexes.length > AE_LIMITS.indexes) return "tooManyIndexes";
  if (point.indexes.some((index) => utf8ByteLength(index) > AE_LIMITS.indexBytes)) return "indexTooLong";
  let blobBytes = 0;
  for (const blob of point.blobs) blobBytes += utf8ByteLength(blob);
  if (blobBytes > AE_LIMITS.blobBytes) return "blobsTooLarge";
  return undefined;
}

/** Points cross an RPC boundary: their shape is checked before anything is sent. */
export function isDataPoint(value: unknown): value is DataPoint {
  if (value === null || typeof value !== "object") return false;
  const p = value as Record<string, unknown>;
  return (
    Array.isArray(p.blobs) &&
    p.blobs.every((b) => typeof b === "string") &&
    Array.isArray(p.doubles) &&
    p.doubles.every((d) => typeof d === "number" && Number.isFinite(d)) &&
    Array.isArray(p.indexes) &&
    p.indexes.every((i) => typeof i === "string")
  );
}
