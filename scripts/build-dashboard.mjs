import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Copies the dashboard's charting library (the `uplot` npm package) into its static assets,
 * tail-worker/dashboard/vendor/uplot/ (git-ignored). wrangler runs this itself as the [build]
 * command of wrangler.tail.toml before `wrangler dev`, `wrangler deploy` and dry runs, so a fresh
 * clone needs no manual step. Unchanged files are left alone. Plain Node: any version >= 18.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TARGET = join(ROOT, "tail-worker", "dashboard", "vendor", "uplot");
const FILES = ["dist/uPlot.esm.js", "dist/uPlot.min.css", "LICENSE"];

let packageDir;
try {
  packageDir = dirname(createRequire(import.meta.url).resolve("uplot/package.json"));
} catch {
  console.error("build-dashboard: the uplot package is missing; run npm install first.");
  process.exit(1);
}

mkdirSync(TARGET, { recursive: true });
let copied = 0;
for (const file of FILES) {
  const from = join(packageDir, file);
  const to = join(TARGET, file.replace(/^dist\//, ""));
  if (existsSync(to) && readFileSync(to).equals(readFileSync(from))) continue;
  copyFileSync(from, to);
  copied++;
}
const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
console.log(`build-dashboard: uplot ${version} in ${relative(ROOT, TARGET)} (${copied === 0 ? "up to date" : `${copied} file(s) copied`})`);
