import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { buildDeployedTailPath } from "./deployed-tail-path.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
// bench/tail-cpu.bench.ts measures the tail path as deployed: built here, before any benchmark runs.
buildDeployedTailPath(root);

// The benchmark runs in workerd like the tests, but separately (`npm run bench`): timing figures
// never belong in the test suite.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: `${root}wrangler.tail.toml` },
      miniflare: { bindings: { ENVIRONMENT: "development", LOG_LEVEL: "error" }, pipelines: ["TEST_BASIN_STREAM"] },
    }),
  ],
  test: {
    root,
    include: ["bench/**/*.bench.ts"],
    testTimeout: 600_000,
    fileParallelism: false,
  },
});
