import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The dashboard SQL of schemas/analytics/queries/, ready to run: the dataset name put in for
 * `do_tail_events` (the dataset of wrangler.tail.toml) and each `{{param}}` filled from `params`,
 * else from the file's `-- param name = default` line. `npm run analytics:sql` sends them to
 * Analytics Engine; checks/analytics-sql/ runs them on ClickHouse.
 */
export const QUERY_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "schemas", "analytics", "queries");
export const DEFAULT_DATASET = "do_tail_events";

/** Every query file as { name, file, sql }, by name; throws naming a parameter nobody gave. */
export function loadAnalyticsQueries({ dataset = DEFAULT_DATASET, params = {} } = {}) {
  return readdirSync(QUERY_DIR)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => {
      const text = readFileSync(join(QUERY_DIR, file), "utf8");
      const defaults = Object.fromEntries([...text.matchAll(/^--\s*param\s+(\w+)\s*=\s*(\S+)\s*$/gm)].map((m) => [m[1], m[2]]));
      const sql = text.replace(/\bdo_tail_events\b/g, dataset).replace(/\{\{(\w+)\}\}/g, (_, name) => {
        const value = params[name] ?? defaults[name];
        if (value === undefined) throw new Error(`${file} needs --param ${name}=…`);
        return value;
      });
      return { name: file.replace(/\.sql$/, ""), file, sql: sql.trim() };
    });
}
