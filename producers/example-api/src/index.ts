import { findRoute } from "./routes";
import { emitWideEvent, startWideEvent } from "./wide-event";

/**
 * example-api: a tiny order API whose only purpose is to produce realistic telemetry for do-tail
 * (see wrangler.toml: tail_consumers). Each request logs one wide event, plus whatever the route logs.
 */
export default {
  async fetch(request) {
    const started = Date.now();
    const event = startWideEvent(request);
    const route = findRoute(request.method, event.path);
    try {
      const response = route ? await route(request, event) : Response.json({ error: "not found" }, { status: 404 });
      event.status = response.status;
      event.outcome = response.status >= 500 ? "error" : "ok";
      return response;
    } catch (error) {
      event.status = 500;
      event.outcome = "exception";
      event.error = error instanceof Error ? error.message : String(error);
      // Rethrown on purpose: the runtime reports it as the invocation's exception.
      throw error;
    } finally {
      // Workers clocks advance only across I/O, so this measures awaited work, not CPU time.
      event.durationMs = Date.now() - started;
      emitWideEvent(event);
    }
  },
} satisfies ExportedHandler;
