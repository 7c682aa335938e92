import { describe, expect, it } from "vitest";
import { namedEvent, postQuery, putArchive } from "./helpers/query-events";

// A range of centuries holds the hours an archive has: those are found first, and only they are
// listed, so a query from 0 neither runs out of memory nor makes a call per empty hour.
describe("a query over a range of centuries", () => {
  it("answers from the hours that hold objects, with a few list calls", { timeout: 60_000 }, async () => {
    const at = Date.UTC(2041, 6, 9, 10, 30);
    const event = namedEvent("wide_range_probe", at, { n: 1 });
    await putArchive([event]);
    const { status, body } = await postQuery({
      from: 0,
      to: Date.UTC(2200, 0, 1),
      includeBuffered: false,
      where: [{ field: "type", op: "eq", value: "wide_range_probe" }],
      aggregates: [{ fn: "count", as: "n" }],
    });
    expect(status, JSON.stringify(body).slice(0, 300)).toBe(200);
    expect(body.rows).toEqual([{ n: 1 }]);
    expect((body.scanned as unknown as { listCalls: number }).listCalls).toBeLessThan(100);
  });

  it("counts from rollups over a decade with a few list calls, not one per day", { timeout: 60_000 }, async () => {
    const { status, body } = await postQuery({
      select: "counts",
      from: Date.UTC(2030, 0, 1),
      to: Date.UTC(2040, 0, 1),
      includeBuffered: false,
    });
    expect(status, JSON.stringify(body).slice(0, 300)).toBe(200);
    expect((body.scanned as unknown as { listCalls: number }).listCalls).toBeLessThan(100);
  });
});
