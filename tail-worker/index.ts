import { env as startupEnv } from "cloudflare:workers";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { errorMessage } from "../schemas/lib/error-message";
import { router } from "./http/router";
import { handleTail } from "./tail-handler";

export { TailCollector } from "../collector-do/tail-collector";
export { LiveHub } from "./live/live-hub";

// Validate settings when the Worker starts, so a bad one fails loudly before any event is handled.
loadConfig(startupEnv as Env);

export default {
  fetch(request, env, ctx) {
    return router.fetch(request, env, ctx);
  },

  async tail(events, env) {
    try {
      await handleTail(events, env);
    } catch (error) {
      // handleTail does not throw by design; this keeps a bug from costing the invocation's events silently.
      console.error(`do-tail: tail() failed: ${errorMessage(error)}`);
    }
  },
} satisfies ExportedHandler<Env>;
