import { Router } from "itty-router";
import type { Env } from "../../schemas/config/env";
import { errorMessage } from "../../schemas/lib/error-message";
import { getAlerts, testAlert } from "./alert-routes";
import { getArchive, listArchives } from "./archive-routes";
import { requireAdmin } from "./auth";
import { limitBodySize } from "./body-limit";
import { flush, health, stats } from "./collector-routes";
import { fleetInsightRoute, monitorInsightRoute } from "./insight-routes";
import { problem } from "./json";
import { issueLiveTicket, openLiveStream } from "./live-routes";
import { getQuery, postQuery, postQueryBatch } from "./query-routes";
import { testEvents } from "./test-events-route";

/** The HTTP API: it only reads the pipeline's state or triggers it; data flows through tail(). */
export const router = Router<Request, [Env, ExecutionContext]>({
  before: [limitBodySize, requireAdmin],
  catch: (error) => problem(500, errorMessage(error)),
});

router
  .get("/health", health)
  .get("/stats", stats)
  .post("/flush", flush)
  .post("/test-events", testEvents)
  .get("/archives", listArchives)
  .get("/archives/:key+", getArchive)
  .get("/query", getQuery)
  .post("/query", postQuery)
  .post("/query/batch", postQueryBatch)
  .get("/insights/fleet", fleetInsightRoute)
  .get("/insights/monitors/:id", monitorInsightRoute)
  .get("/alerts", getAlerts)
  .post("/alerts/test", testAlert)
  .get("/live", openLiveStream)
  .post("/live/ticket", issueLiveTicket)
  .all("*", (request) => problem(404, `no route for ${request.method} ${new URL(request.url).pathname}`));
