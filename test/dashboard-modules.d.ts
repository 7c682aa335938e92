// Types of the dashboard's plain-JS modules that workerd tests import (the page itself has no build step).
declare module "*/dashboard/js/time-window.js" {
  export const WINDOWS: Record<"15m" | "1h" | "6h" | "24h" | "7d", { ms: number; bucket: string; bucketMs: number }>;
  export function windowOf(name: string): { ms: number; bucket: string; bucketMs: number };
}

declare module "*/dashboard/js/dashboard-queries.js" {
  /** The /query bodies of one refresh's counting panels, by panel. */
  export function countQueries(
    from: number,
    bucket: string,
  ): Record<"timeline" | "types" | "scripts" | "outcomes" | "timings", Record<string, unknown>>;
}
