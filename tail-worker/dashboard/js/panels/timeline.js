import { ChartSlot, timeSeriesOptions } from "../charts.js";
import { el } from "../dom.js";
import { formatCount } from "../format.js";
import { panel } from "../panel.js";
import { sourceNote } from "../rows.js";
import { bucketCounts, gapsOf, SERIES } from "../time-buckets.js";

/** Events over time, per importance: stored events counted from the collectors' rollups, reading next to nothing. */
export function createTimeline() {
  const view = panel("timeline-panel");
  const container = el("div", { class: "chart", "data-chart": "events-over-time" });
  view.body.append(container);
  const slot = new ChartSlot(container, 240);
  return {
    async refresh(ctx) {
      await view.run(async () => {
        const result = await ctx.counts.timeline;
        const { data, events } = bucketCounts(result.rows ?? [], ctx.from, ctx.now, ctx.window.bucketMs, gapsOf(result));
        slot.draw("timeline", timeSeriesOptions(SERIES), data);
        const ms = ctx.window.bucketMs;
        const bucket = ms >= 3_600_000 ? `${ms / 3_600_000} h` : `${ms / 60_000} min`;
        const notes = [`${formatCount(events)} events, per ${bucket}`, sourceNote(result, formatCount)];
        if (result.estimatedObjects) notes.push(`${formatCount(result.estimatedObjects)} edge objects split by time`);
        if (result.listing && !result.listing.complete)
          notes.push(
            `listed ${formatCount(result.listing.slicesListed)} of ${formatCount(result.listing.slices)} importance-hours (gaps: QUERY_MAX_LIST_CALLS)`,
          );
        if (result.truncated) notes.push("buffered events cut");
        view.setMeta(notes.join(" · "));
      });
    },
  };
}
