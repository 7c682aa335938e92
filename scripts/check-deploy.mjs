import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allWorkers, ROOT, requireSupportedNode, WRANGLER_BIN } from "./lib/wrangler.mjs";

/**
 * `npm run check:deploy`: `wrangler deploy --dry-run` of every wrangler config in the repo. It
 * bundles each Worker and validates its config, without a Cloudflare account or network.
 */
requireSupportedNode("scripts/check-deploy.mjs");

const outdir = mkdtempSync(join(tmpdir(), "do-tail-dry-run-"));
const failed = [];
const workers = allWorkers();
for (const worker of workers) {
  console.log(`\n=== wrangler deploy --dry-run -c ${worker.config}`);
  const args = [WRANGLER_BIN, "deploy", "--dry-run", "--outdir", join(outdir, worker.name), "-c", worker.config];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) failed.push(worker.config);
}
rmSync(outdir, { recursive: true, force: true });

if (failed.length > 0) {
  console.error(`\ndry run failed for: ${failed.join(", ")}`);
  process.exit(1);
}
console.log(`\ndry run ok for ${workers.length} configs: ${workers.map((w) => w.config).join(", ")}`);
