import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.tail.toml" },
      // Tests run as local development; production behaviour is tested by overriding ENVIRONMENT.
      // TEST_BASIN_STREAM is a real (locally no-op) pipelines binding that Basin tests wrap and hand
      // to one collector; BASIN_STREAM stays unbound, as wrangler.tail.toml leaves it by default.
      miniflare: { bindings: { ENVIRONMENT: "development", LOG_LEVEL: "error" }, pipelines: ["TEST_BASIN_STREAM"] },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    // DuckDB runs in Node beside workerd; tests reach it over loopback (test/helpers/duckdb.ts).
    // So does a webhook receiver for alert notifications (test/helpers/alert-receiver.ts).
    globalSetup: ["test/engines/duckdb-bridge.mjs", "test/engines/alert-receiver.mjs"],
  },
});
