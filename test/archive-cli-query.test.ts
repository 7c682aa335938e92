import { describe, expect, it } from "vitest";
import { filterConditions, pageQueries, parseWhere } from "../scripts/lib/event-query.mjs";
import { namedEvent, postQuery, putArchive, type QueryEvent } from "./helpers/query-events";

// The archive CLI's `events` and `follow` are clients of /query: the bodies its flags become,
// answered by do-tail itself (scripts/lib/event-query.mjs; the CLI's own parsing is tested by
// `npm run test:cli`).

const T = Date.UTC(2035, 1, 2, 9, 0, 0);
const range = { from: new Date(T).toISOString(), to: new Date(T + 3_600_000).toISOString() };

async function allPages(where: ReturnType<typeof filterConditions>, size: number): Promise<QueryEvent[]> {
  const out: QueryEvent[] = [];
  let after: { timestamp: number; id: string } | undefined;
  let to: string | number = range.to;
  for (let pages = 0; pages < 100; pages++) {
    const page: QueryEvent[] = [];
    let more = false;
    for (const body of pageQueries({ where, from: range.from, to, size, after })) {
      const { status, body: answer } = await postQuery({ ...body, includeBuffered: false });
      expect(status, JSON.stringify(answer)).toBe(200);
      page.push(...(answer.rows as QueryEvent[]));
      more = answer.total > answer.rows.length;
      if (page.length >= size) break;
    }
    out.push(...page);
    if (!more || page.length === 0) return out;
    const last = page[page.length - 1]!;
    after = { timestamp: last.timestamp, id: last.id };
    to = range.to;
  }
  throw new Error("paging did not end");
}

describe("archive CLI queries", () => {
  it("pages through every matching event once, oldest first, even when many share a millisecond", async () => {
    const events: QueryEvent[] = [];
    for (let i = 0; i < 7; i++) events.push(namedEvent("ws_message", T + 1000, { i, region: i % 2 ? "weur" : undefined }));
    for (let i = 0; i < 5; i++) events.push(namedEvent("ws_close", T + 2000 + i, { i, note: "Upstream TIMEOUT" }));
    events.push(namedEvent("http_request", T + 1500, { i: 99 }));
    await putArchive(events);

    const where = filterConditions({ type: "WS_*", where: [] });
    const paged = await allPages(where, 3);
    const expected = events.filter((e) => e.type.startsWith("ws_")).sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : 1));
    expect(paged.map((e) => e.id)).toEqual(expected.map((e) => e.id));
  });

  it("means a missing field by --where f=null, and searches the whole event with --grep", async () => {
    const noRegion = await postQuery({
      ...range,
      includeBuffered: false,
      select: "events",
      where: filterConditions({ type: "ws_message", where: [parseWhere("region=null")] }),
    });
    expect(noRegion.body.rows.map((e) => (e as QueryEvent).data.i)).toEqual([0, 2, 4, 6]);
    const grep = await postQuery({
      ...range,
      includeBuffered: false,
      select: "events",
      where: filterConditions({ grep: "timeout", where: [] }),
    });
    expect(grep.body.rows).toHaveLength(5);
  });
});
