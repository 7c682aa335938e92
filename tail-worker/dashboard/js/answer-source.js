/**
 * Where an /insights answer came from, for a panel: `note` for its meta line, `detail` (the
 * fallback's reason) for a tooltip, `source` for the panel's data-source attribute. Analytics
 * Engine answers when do-tail has its Analytics SQL binding; the archive otherwise, or when
 * Analytics Engine failed (docs/ANALYTICS.md).
 */
export function answerSource(answer) {
  if (answer?.source === "analytics-engine") return { source: "analytics-engine", note: "from Analytics Engine", detail: "" };
  if (answer?.source !== "archive") return { source: "", note: "", detail: "" };
  if (answer.fallback) {
    return {
      source: "archive",
      note: "from the archive: Analytics Engine did not answer",
      detail: String(answer.fallback.reason ?? ""),
    };
  }
  return { source: "archive", note: "from the archive", detail: "" };
}
