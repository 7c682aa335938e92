import { askAgain, getToken } from "./auth.js";
import { byId } from "./dom.js";
import { clock } from "./format.js";
import { createCards } from "./panels/cards.js";
import { createInvocations } from "./panels/invocations.js";
import { createQueryBox } from "./panels/query-box.js";
import { createRecentErrors } from "./panels/recent-errors.js";
import { createTimeline } from "./panels/timeline.js";
import { createTopList } from "./panels/top-lists.js";
import { createUptime } from "./panels/uptime.js";
import { windowOf } from "./time-window.js";

/** Wires the panels together and refreshes them every 10 s while the tab is visible. */
const REFRESH_MS = 10_000;

const panels = [
  createCards(),
  createTimeline(),
  createTopList("types-panel", "type", "(none)"),
  createTopList("scripts-panel", "script", "(no script name)"),
  createInvocations(),
  createUptime(),
  createRecentErrors(),
];
createQueryBox();

const windowSelect = byId("window");
const autoRefresh = byId("auto-refresh");
const status = byId("refresh-status");
let inFlight = null;
let lastRefresh = 0;

function setStatus(text, state = "ok") {
  status.textContent = text;
  status.dataset.state = state;
}

/** One refresh of every panel; panels fail on their own, the status line counts the failures. */
function refresh() {
  if (inFlight) return inFlight;
  const now = Date.now();
  const windowName = windowSelect.value;
  const window = windowOf(windowName);
  const ctx = { now, windowName, window, from: now - window.ms };
  setStatus("Refreshing…");
  inFlight = Promise.allSettled(panels.map((p) => p.refresh(ctx)))
    .then((results) => {
      const failed = results.filter((r) => r.status === "rejected").length;
      lastRefresh = Date.now();
      document.body.dataset.refreshedAt = String(lastRefresh);
      setStatus(failed === 0 ? `Updated ${clock()}` : `Updated ${clock()} · ${failed} of ${panels.length} panels failed`, failed === 0 ? "ok" : "error");
    })
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}

setInterval(() => {
  if (autoRefresh.checked && document.visibilityState === "visible" && !byId("token-dialog").open) refresh();
}, REFRESH_MS);

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && autoRefresh.checked && Date.now() - lastRefresh > REFRESH_MS) refresh();
});
windowSelect.addEventListener("change", () => refresh());
byId("refresh").addEventListener("click", () => refresh());
byId("token-button").addEventListener("click", () => {
  askAgain(getToken() === undefined ? "Enter the admin token (ADMIN_TOKEN)." : "Replace the admin token kept for this tab.")
    .then(() => refresh())
    .catch(() => {});
});

refresh();
