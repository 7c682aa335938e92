import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.tail.toml" },
      // Tests run as local development; production behaviour is tested by overriding ENVIRONMENT.
      miniflare: { bindings: { ENVIRONMENT: "development", LOG_LEVEL: "error" } },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    // DuckDB runs in Node beside workerd; tests reach it over loopback (test/helpers/duckdb.ts).
    // So does a webhook receiver for alert notifications (test/helpers/alert-receiver.ts).
    globalSetup: ["test/engines/duckdb-bridge.mjs", "test/engines/alert-receiver.mjs"],
  },
});
