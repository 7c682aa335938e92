// Types for `env` and `exports` from "cloudflare:workers" inside tests.
declare namespace Cloudflare {
  interface Env extends import("../schemas/config/env").Env {}
  interface GlobalProps {
    mainModule: typeof import("../tail-worker/index");
    durableNamespaces: "TailCollector";
  }
}
