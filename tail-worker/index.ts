import { env as startupEnv } from "cloudflare:workers";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { errorMessage } from "../schemas/lib/error-message";
import { router } from "./http/router";
import { handleTail } from "./tail-handler";

export { AlertState } from "../collector-do/alerts/state/alert-state";
export { LiveHub } from "../collector-do/live/hub/live-hub";
export { TailCollector } from "../collector-do/tail-collector";

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
