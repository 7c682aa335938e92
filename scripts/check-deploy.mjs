import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_DATASET } from "./lib/analytics-queries.mjs";
import { allWorkers, ROOT, requireSupportedNode, TAIL_WORKER, WRANGLER_BIN } from "./lib/wrangler.mjs";

/**
 * `npm run check:deploy`: `wrangler deploy --dry-run` of every wrangler config in the repo. It
 * bundles each Worker and validates its config, without a Cloudflare account or network. do-tail's
 * config is also tried with its optional Analytics SQL binding switched on (the commented
 * `analytics = …` line uncommented), and the dataset it reads must be the one it writes.
 */
requireSupportedNode("scripts/check-deploy.mjs");

const ANALYTICS_SQL_LINE = /^# (analytics = \{ binding = "ANALYTICS_SQL" \})$/m;

const outdir = mkdtempSync(join(tmpdir(), "do-tail-dry-run-"));
const failed = [];

function dryRun(name, config) {
  console.log(`\n=== wrangler deploy --dry-run -c ${config}`);
  const args = [WRANGLER_BIN, "deploy", "--dry-run", "--outdir", join(outdir, name), "-c", config];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) failed.push(config);
}

const workers = allWorkers();
for (const worker of workers) dryRun(worker.name, worker.config);

const tailConfig = readFileSync(join(ROOT, TAIL_WORKER.config), "utf8");
// Beside the real config, since wrangler resolves main, assets and build paths from the config's folder.
const withAnalyticsSql = join(ROOT, ".wrangler.tail.analytics-sql.toml");
if (!ANALYTICS_SQL_LINE.test(tailConfig)) {
  console.error(`\n${TAIL_WORKER.config} no longer holds the line "# analytics = { binding = \\"ANALYTICS_SQL\\" }" (docs/ANALYTICS.md)`);
  failed.push(`${TAIL_WORKER.config} with the Analytics SQL binding`);
} else {
  try {
    writeFileSync(withAnalyticsSql, tailConfig.replace(ANALYTICS_SQL_LINE, "$1"));
    dryRun("do-tail-analytics-sql", withAnalyticsSql);
  } finally {
    rmSync(withAnalyticsSql, { force: true });
  }
}

// ANALYTICS_DATASET (the dataset /insights read) must name the dataset ANALYTICS writes.
const written = /^\[\[analytics_engine_datasets\]\][^[]*?^dataset\s*=\s*"([^"]+)"/m.exec(tailConfig)?.[1];
const read = /^ANALYTICS_DATASET\s*=\s*"([^"]*)"/m.exec(tailConfig)?.[1] || DEFAULT_DATASET;
if (written !== read) {
  console.error(`\n${TAIL_WORKER.config}: ANALYTICS writes dataset ${written}, but /insights would read ${read} (ANALYTICS_DATASET)`);
  failed.push(`${TAIL_WORKER.config} datasets`);
}
rmSync(outdir, { recursive: true, force: true });

if (failed.length > 0) {
  console.error(`\ndry run failed for: ${failed.join(", ")}`);
  process.exit(1);
}
console.log(
  `\ndry run ok for ${workers.length} configs (${TAIL_WORKER.config} also with the Analytics SQL binding): ${workers.map((w) => w.config).join(", ")}`,
);
