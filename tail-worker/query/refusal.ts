/**
 * A query refused because answering it would read or hold too much: the routes answer 422 with
 * its message, which says how much it would take and which limit it passes.
 */
export class QueryTooLargeError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, number | boolean>,
  ) {
    super(message);
    this.name = "QueryTooLargeError";
  }
}

/** Most groups one aggregate query holds; each holds its aggregates' state in memory. */
export const MAX_GROUPS = 50_000;
/** Most bytes of group keys (their JSON, as UTF-16) one aggregate query holds. */
export const MAX_GROUP_KEY_BYTES = 8 * 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(value < 10 ? 1 : 0))} ${units[unit]}`;
}
