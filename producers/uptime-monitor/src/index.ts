import { correlationFrom, newId } from "../../lib/wide-event";
import { runRound } from "./dispatch";

/**
 * Uptime-monitor example producer: every minute (cron) it checks each monitor from each region
 * and emits one `heartbeat` per check. POST /run runs one round now, so traffic can drive it
 * locally; `x-simulate: invalid` makes one heartbeat deliberately invalid.
 */
export default {
  async fetch(request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/health") return Response.json({ status: "ok", service: "uptime-monitor" });
    if (url.pathname === "/run" && request.method === "POST") {
      return Response.json(runRound(correlationFrom(request.headers), request.headers.get("x-simulate") === "invalid"));
    }
    return Response.json({ error: "not found" }, { status: 404 });
  },

  async scheduled(controller): Promise<void> {
    const id = newId();
    const summary = runRound({ requestId: id, correlationId: `cron:${controller.cron}:${controller.scheduledTime}` }, false);
    if (summary.down > 0) console.warn(`uptime-monitor: ${summary.down} of ${summary.checks} checks down in ${summary.dispatchId}`);
  },
} satisfies ExportedHandler;
