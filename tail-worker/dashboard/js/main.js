import { runBatch } from "./api.js";
import { askAgain, getToken } from "./auth.js";
import { countQueries } from "./dashboard-queries.js";
import { byId } from "./dom.js";
import { clock } from "./format.js";
import { createAlerts } from "./panels/alerts.js";
import { createCards } from "./panels/cards.js";
import { createInvocations } from "./panels/invocations.js";
import { createLive } from "./panels/live.js";
import { createQueryBox } from "./panels/query-box.js";
import { createRecentErrors } from "./panels/recent-errors.js";
import { createTimeline } from "./panels/timeline.js";
import { createTopLists } from "./panels/top-lists.js";
import { createUptime } from "./panels/uptime.js";
import { windowOf } from "./time-window.js";

/**
 * Wires the panels together. While the tab is visible the cards (GET /stats) and the alert states
 * (GET /alerts), both cheap, refresh every 10 s; the panels that read the archive every 30 s. The
 * counting panels share one batch of counts queries per refresh (one read of the rollups for all of
 * them); each still shows its own answer or error. Refresh and a new window refresh everything at once.
 */
const TICK_MS = 10_000;
const SCAN_EVERY_MS = 30_000;

const cards = createCards();
const alerts = createAlerts();
const scanning = [createTimeline(), createTopLists(), createInvocations(), createUptime(), createRecentErrors()];
createQueryBox();
createLive();

const windowSelect = byId("window");
const autoRefresh = byId("auto-refresh");
const status = byId("refresh-status");
let inFlight = null;
let queued = null;
let lastScan = 0;

function setStatus(text, state = "ok") {
  status.textContent = text;
  status.dataset.state = state;
}

/** One refresh of the cards and, when due or asked for, of every scanning panel. */
function refresh({ all = true } = {}) {
  if (inFlight) {
    // A full refresh asked for during another (a new window, the Refresh button) runs once it ends.
    if (all)
      queued ??= inFlight.then(() => {
        queued = null;
        return refresh();
      });
    return queued ?? inFlight;
  }
  const now = Date.now();
  const windowName = windowSelect.value;
  const window = windowOf(windowName);
  // A whole minute: counts come per minute, and every panel covers the same window.
  const from = Math.floor((now - window.ms) / 60_000) * 60_000;
  const ctx = { now, windowName, window, from };
  const scan = all || now - lastScan >= SCAN_EVERY_MS;
  const panels = scan ? [cards, alerts, ...scanning] : [cards, alerts];
  if (scan) {
    lastScan = now;
    ctx.counts = runBatch(countQueries(from, window.bucket));
    // A failed batch is each counting panel's error to show; this keeps it from going unhandled meanwhile.
    for (const answer of Object.values(ctx.counts)) answer.catch(() => {});
  }
  setStatus("Refreshing…");
  inFlight = Promise.allSettled(panels.map((p) => p.refresh(ctx)))
    .then((results) => {
      const failed = results.filter((r) => r.status === "rejected").length;
      document.body.dataset.refreshedAt = String(Date.now());
      document.body.dataset.window = windowName;
      setStatus(
        failed === 0 ? `Updated ${clock()}` : `Updated ${clock()} · ${failed} of ${panels.length} panels failed`,
        failed === 0 ? "ok" : "error",
      );
    })
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}

const autoRefreshing = () => autoRefresh.checked && document.visibilityState === "visible" && !byId("token-dialog").open;
setInterval(() => autoRefreshing() && refresh({ all: false }), TICK_MS);
document.addEventListener("visibilitychange", () => autoRefreshing() && refresh({ all: false }));
windowSelect.addEventListener("change", () => refresh());
byId("refresh").addEventListener("click", () => refresh());
byId("token-button").addEventListener("click", () => {
  askAgain(getToken() === undefined ? "Enter the admin token (ADMIN_TOKEN)." : "Replace the admin token kept for this tab.")
    .then(() => refresh())
    .catch(() => {});
});

void refresh();
