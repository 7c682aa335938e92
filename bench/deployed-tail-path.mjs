import { createRequire } from "node:module";

/**
 * Builds the tail path as `wrangler deploy` ships it: one esbuild bundle, made by the esbuild
 * wrangler itself depends on, with wrangler's options (ES modules, es2024, names kept, the workerd
 * build conditions). The Vitest integration instead loads each source module on its own, and
 * there every use of an imported binding reads it through its module: in hot loops that measured
 * about a third more CPU on the tail path than the bundle, a cost no deployed Worker pays.
 * Answers the path of the bundle, which exports toWireEvents and loadConfig.
 */
export function buildDeployedTailPath(root) {
  const fromWrangler = createRequire(createRequire(import.meta.url).resolve("wrangler/package.json"));
  const esbuild = fromWrangler("esbuild");
  const outfile = `${root}bench/.build/tail-path.mjs`;
  esbuild.buildSync({
    stdin: {
      contents: 'export { toWireEvents } from "./tail-worker/tail-handler";\nexport { loadConfig } from "./schemas/config/config";\n',
      resolveDir: root,
      sourcefile: "deployed-tail-path.ts",
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    target: "es2024",
    keepNames: true,
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*", "node:*"],
    outfile,
    logLevel: "warning",
  });
  return outfile;
}
