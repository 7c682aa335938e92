import { api } from "../api.js";
import { el } from "../dom.js";
import { formatBytes, formatCount, timeAgo, timeUntil } from "../format.js";
import { panel } from "../panel.js";

const IMPORTANCES = [
  ["CRITICAL", "critical"],
  ["HIGH", "high"],
  ["NORMAL", "normal"],
  ["LOW", "low"],
];

const sum = (values) => values.reduce((total, v) => total + (typeof v === "number" ? v : 0), 0);

/** Every number under an object, added up (shed counts are by reason, then importance). */
function total(value) {
  if (typeof value === "number") return value;
  if (value && typeof value === "object") return sum(Object.values(value).map(total));
  return 0;
}

/** The cards, computed from GET /stats: [key, label, value, sub-line, tone, alert]. */
export function cardsFromStats(stats) {
  const c = stats.counters ?? {};
  const buffered = Object.values(stats.buffered ?? {});
  const shedByReason = Object.entries(c.shed ?? {}).map(
    ([reason, counts]) => `${reason.replaceAll("_", " ")} ${formatCount(total(counts))}`,
  );
  return [
    ["received", "Received", c.received, `${formatCount(c.duplicates)} duplicates · ${formatCount(c.keptAsText)} as text`, "ok"],
    ...IMPORTANCES.map(([name, tone]) => [
      `importance-${name}`,
      name,
      c.receivedByImportance?.[name],
      `${formatCount(c.archivedByImportance?.[name])} archived`,
      tone,
    ]),
    [
      "buffered",
      "Buffered",
      sum(buffered.map((b) => b.events)),
      `${formatBytes(sum(buffered.map((b) => b.bytes)))} · next flush ${stats.nextFlushAt ? timeUntil(stats.nextFlushAt) : "none"}`,
      "normal",
    ],
    ["archived", "Archived", c.archived, `${formatCount(c.objectsWritten)} objects · ${formatBytes(c.bytesWritten)}`, "ok"],
    [
      "failures",
      "Flush failures",
      c.flushFailures,
      c.lastError ? `last: ${c.lastError.message}` : `${formatCount(c.undelivered)} undelivered · ${formatCount(c.rejected)} rejected`,
      "high",
      (c.flushFailures ?? 0) > 0,
    ],
    ["shed", "Shed", total(c.shed), shedByReason.join(" · ") || "none dropped", "low", total(c.shed) > 0],
  ];
}

export function createCards() {
  const view = panel("cards-panel");
  return {
    async refresh() {
      await view.run(async () => {
        const stats = await api("/stats");
        view.body.replaceChildren(
          ...cardsFromStats(stats).map(([key, label, value, sub, tone, alert]) =>
            el(
              "div",
              { class: "card", dataset: { card: key, tone, alert: String(Boolean(alert)) } },
              el("div", { class: "card-label" }, label),
              el("div", { class: "card-value", dataset: { value: String(value ?? "") } }, formatCount(value)),
              el("div", { class: "card-sub" }, sub),
            ),
          ),
        );
        const last = stats.counters?.lastFlushAt;
        view.setMeta(last ? `last flush ${timeAgo(last)}` : "no flush yet");
      });
    },
  };
}
