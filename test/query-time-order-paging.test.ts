import { describe, expect, it } from "vitest";
import { filterConditions, pageHasMore, pageQueries } from "../scripts/lib/event-query.mjs";
import { namedEvent, postQuery, putArchive, type QueryEvent } from "./helpers/query-events";

const T = Date.UTC(2037, 3, 4, 9, 0, 0);
const range = { from: new Date(T).toISOString(), to: new Date(T + 3_600_000 - 1).toISOString() };

/** Every page, as the archive CLI asks for them (scripts/archives.mjs). */
async function allPages(where: ReturnType<typeof filterConditions>, size: number): Promise<QueryEvent[]> {
  const out: QueryEvent[] = [];
  let after: { timestamp: number; id: string } | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page: QueryEvent[] = [];
    let more = false;
    for (const body of pageQueries({ where, from: range.from, to: range.to, size, after })) {
      const { status, body: answer } = await postQuery({ ...body, includeBuffered: false });
      expect(status, JSON.stringify(answer)).toBe(200);
      page.push(...(answer.rows as QueryEvent[]));
      more = pageHasMore(answer);
      if (page.length >= size) break;
    }
    out.push(...page);
    if (!more || page.length === 0) return out;
    const last = page[page.length - 1]!;
    after = { timestamp: last.timestamp, id: last.id };
  }
  throw new Error("paging did not end");
}

// In time order /query stops reading once it holds `limit` events nearer the asked-for end: it
// says so, and a client paging on its answers gets every matching event.
describe("events in time order, page after page", () => {
  it("says more may match when reading stopped early, and the CLI's paging gets every matching event", { timeout: 120_000 }, async () => {
    const matching: QueryEvent[] = [];
    for (let i = 0; i < 60; i++) {
      const event = namedEvent(i % 2 === 0 ? "page_hit" : "page_miss", T + i * 60_000 + 5, { i });
      if (i % 2 === 0) matching.push(event);
      await putArchive([event]);
    }
    const where = [{ field: "type", op: "eq", value: "page_hit" }];
    const first = await postQuery({
      ...range,
      includeBuffered: false,
      select: "events",
      where,
      orderBy: [{ field: "timestamp", dir: "asc" }],
      limit: 10,
    });
    expect(first.body.rows).toHaveLength(10);
    expect(first.body.truncated).toBe(true);
    const paged = await allPages(filterConditions({ type: "page_hit", where: [] }), 10);
    expect(paged.map((e) => e.id)).toEqual(matching.map((e) => e.id));
  });
});
