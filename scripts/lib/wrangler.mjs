import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root; scripts resolve every path from it, whatever the working directory. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const TAIL_WORKER = { name: "do-tail", config: "wrangler.tail.toml", port: devPort("wrangler.tail.toml") };

/**
 * The `port` of a config's `[dev]` table (what `wrangler dev` binds), or undefined. Read with a
 * pattern rather than a TOML parser: the configs here keep it as a plain `port = N` line.
 */
export function devPort(config) {
  const text = readFileSync(join(ROOT, config), "utf8");
  const table = /^\[dev\][^\S\n]*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text)?.[1] ?? "";
  const port = /^\s*port\s*=\s*(\d+)/m.exec(table)?.[1];
  return port === undefined ? undefined : Number(port);
}

/**
 * Every `producers/<name>/wrangler.toml`, so that a new producer is picked up by `npm run dev`
 * and by the CI dry runs without being listed anywhere.
 */
export function producerWorkers() {
  const dir = join(ROOT, "producers");
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "wrangler.toml")))
    .map((entry) => {
      const config = relative(ROOT, join(dir, entry.name, "wrangler.toml"));
      return { name: entry.name, config, port: devPort(config) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every wrangler config the repo deploys: each `wrangler*.toml` at the root and every producer. */
export function allWorkers() {
  const rootConfigs = readdirSync(ROOT)
    .filter((file) => /^wrangler.*\.toml$/.test(file))
    .sort()
    .map((file) => ({ name: file.replace(/\.toml$/, ""), config: file }));
  return [...rootConfigs, ...producerWorkers()];
}

/** wrangler's own entry script, run with this Node rather than whichever `node` is first on PATH. */
export const WRANGLER_BIN = join(dirname(createRequire(import.meta.url).resolve("wrangler/package.json")), "bin", "wrangler.js");

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);

/** wrangler and vitest refuse Node < 22.12; `npm run` supplies the Node from the `node` devDependency. */
export function requireSupportedNode(script) {
  if (major > 22 || (major === 22 && minor >= 12)) return;
  console.error(
    `${script} needs Node >= 22.12 (this is ${process.version}). Run it through npm (npm run …): npm puts node_modules/.bin/node first on PATH.`,
  );
  process.exit(1);
}
