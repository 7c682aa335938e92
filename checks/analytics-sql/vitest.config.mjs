import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The Analytics Engine SQL check (`npm run check:analytics-sql`): do-tail's own Worker config and
// test setup, plus ClickHouse beside workerd (clickhouse-bridge.mjs), which only this check loads.
const root = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  root,
  plugins: [
    cloudflareTest({
      wrangler: { configPath: `${root}/wrangler.tail.toml` },
      miniflare: { bindings: { ENVIRONMENT: "development", LOG_LEVEL: "error" } },
    }),
  ],
  test: {
    include: ["checks/analytics-sql/**/*.test.ts"],
    globalSetup: ["checks/analytics-sql/clickhouse-bridge.mjs"],
  },
});
