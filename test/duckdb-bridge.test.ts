import { describe, expect, it } from "vitest";
import { duckdbQuery, duckdbRead } from "./helpers/duckdb";

const bytes = (text: string) => new TextEncoder().encode(text);

// The bridge other tests prove archive contents against: a real DuckDB, reached from workerd.
describe("DuckDB bridge", () => {
  it("counts the events of each JSON array object and refuses what a strict reader refuses", async () => {
    const results = await duckdbRead([
      { name: "good", bytes: bytes('[{"id":"a","n":1},{"id":"b","n":2}]') },
      { name: "lone surrogate", bytes: bytes('[{"id":"a","text":"\\ud800"}]') },
      { name: "not json", bytes: bytes("[{") },
    ]);
    expect(results[0]).toEqual({ name: "good", events: 2 });
    expect(results[1]).toMatchObject({ name: "lone surrogate", error: expect.stringMatching(/surrogate/i) });
    expect(results[2]).toMatchObject({ name: "not json", error: expect.any(String) });
  });

  it("runs SQL over a view of every object's events", async () => {
    const rows = await duckdbQuery(
      [
        { name: "one", bytes: bytes('[{"type":"a","data":{"ms":5}},{"type":"b","data":{"ms":7}}]') },
        { name: "two", bytes: bytes('[{"type":"a","data":{"ms":9},"extra":true}]') },
      ],
      "SELECT type, count(*)::INTEGER AS n, sum((data->>'ms')::INTEGER)::INTEGER AS ms FROM events GROUP BY type ORDER BY type",
    );
    expect(rows).toEqual([
      { type: "a", n: 2, ms: 14 },
      { type: "b", n: 1, ms: 7 },
    ]);
  });
});
