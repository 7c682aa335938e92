import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `npm run check:analytics-sql`: the dashboard SQL of schemas/analytics/queries/ run on ClickHouse
 * over the data points do-tail forwards, against the archive (checks/analytics-sql/). ClickHouse
 * comes from the npm package chdb (about 550 MB installed), which only this check needs: it is
 * installed into checks/analytics-sql/node_modules from that folder's own lockfile, when missing
 * or older than the lockfile, and never into the project's dependencies.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CHECK = join(ROOT, "checks", "analytics-sql");
const installed = join(CHECK, "node_modules", ".package-lock.json");

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: "inherit" });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function sizeOf(dir) {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) bytes += sizeOf(path);
    else if (entry.isFile()) bytes += statSync(path).size;
  }
  return bytes;
}

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(CHECK, "package-lock.json")).mtimeMs) {
  const started = Date.now();
  console.log("check:analytics-sql: installing ClickHouse (chdb) into checks/analytics-sql/node_modules …");
  // Not `npm ci`: chdb lists a native library per platform as optional dependencies, and the
  // registry serves only some of them (linux-x64-gnu), so the lockfile cannot name them all and
  // `npm ci` refuses it. `npm install --no-save` installs what the lockfile pins and changes nothing.
  const status = run("npm", ["install", "--no-save", "--no-audit", "--no-fund"], CHECK);
  if (status !== 0) process.exit(status);
  const mb = Math.round(sizeOf(join(CHECK, "node_modules")) / 1024 ** 2);
  console.log(`check:analytics-sql: installed in ${Math.round((Date.now() - started) / 1000)} s (${mb} MB)`);
}

process.exit(
  run(process.execPath, [join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "--config", join(CHECK, "vitest.config.mjs")], ROOT),
);
