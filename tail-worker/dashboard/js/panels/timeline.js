import { runQuery } from "../api.js";
import { ChartSlot, timeSeriesOptions } from "../charts.js";
import { eventsOverTime } from "../dashboard-queries.js";
import { el } from "../dom.js";
import { formatCount } from "../format.js";
import { panel } from "../panel.js";
import { bucketCounts, SERIES } from "../time-buckets.js";

export function createTimeline() {
  const view = panel("timeline-panel");
  const container = el("div", { class: "chart", "data-chart": "events-over-time" });
  view.body.append(container);
  const slot = new ChartSlot(container, 240);
  return {
    async refresh(ctx) {
      await view.run(async () => {
        const result = await runQuery(eventsOverTime(ctx.from));
        const { data, events } = bucketCounts(result.rows ?? [], ctx.from, ctx.now, ctx.window.bucketMs);
        slot.draw("timeline", timeSeriesOptions(SERIES), data);
        const bucket = ctx.window.bucketMs >= 60_000 ? `${ctx.window.bucketMs / 60_000} min` : `${ctx.window.bucketMs / 1000} s`;
        view.setMeta(`${formatCount(events)} events, per ${bucket}${result.truncated ? " · truncated: oldest part missing" : ""}`);
      });
    },
  };
}
