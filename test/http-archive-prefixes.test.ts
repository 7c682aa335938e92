import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getJson } from "./helpers/query-events";

// GET /archives?delimiter=/ answers the "folders" under a prefix: what the archive CLI lists as
// dates and importances without listing every object.
describe("GET /archives with delimiter=/", () => {
  it("answers the dates under tail-events/ and the importances under a date", async () => {
    for (const key of [
      "tail-events/2034-02-01/importance-0/10-00-a.json",
      "tail-events/2034-02-01/importance-2/10-00-b.json",
      "tail-events/2034-02-01/importance-2/11-00-c.json",
      "tail-events/2034-02-03/importance-3/00-00-d.json",
    ])
      await env.ARCHIVE.put(key, "[]");

    const dates = await getJson<{ prefixes: string[]; objects: unknown[] }>("/archives?prefix=tail-events/&delimiter=/");
    expect(dates.status).toBe(200);
    expect(dates.body.prefixes).toEqual(["tail-events/2034-02-01/", "tail-events/2034-02-03/"]);
    expect(dates.body.objects).toEqual([]);

    const importances = await getJson<{ prefixes: string[] }>("/archives?prefix=tail-events/2034-02-01/&delimiter=/");
    expect(importances.body.prefixes).toEqual(["tail-events/2034-02-01/importance-0/", "tail-events/2034-02-01/importance-2/"]);
  });

  it("refuses any other delimiter", async () => {
    const res = await getJson("/archives?delimiter=-");
    expect(res.status).toBe(400);
    expect(res.body.error!.message).toContain("delimiter");
  });
});
