// Types for `env` and `exports` from "cloudflare:workers" inside tests.
import type { Env as DoTailEnv } from "../schemas/config/env";

declare global {
  namespace Cloudflare {
    interface Env extends DoTailEnv {
      /** vitest.config.ts: a pipelines binding for Basin tests to wrap. */
      TEST_BASIN_STREAM: import("cloudflare:pipelines").Pipeline;
    }
    interface GlobalProps {
      mainModule: typeof import("../tail-worker/index");
      durableNamespaces: "TailCollector" | "AlertState" | "LiveHub";
    }
  }
}
