import { describe, expect, it } from "vitest";
import { loadConfig } from "../schemas/config/config";
import { wrappedNamespace } from "./helpers/collector-namespace";
import { ingestInvocationsAt } from "./helpers/late-events";
import { queryWith } from "./helpers/query-events";

// An hour that ended more than 15 minutes ago is "closed": the query's isolate keeps its listing
// for 5 minutes. It still gains objects when late events are flushed into it; events a query just
// answered from a collector's buffer stay in the answer once that flush archived them.

const HOUR = 3_600_000;

describe("/query over a closed hour a flush archives into", () => {
  it("answers the events a query just found buffered once they are flushed, listing that hour again", async () => {
    const ns = wrappedNamespace("closed-hour-flush");
    const hour = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
    await ingestInvocationsAt(ns, hour + 30 * 60_000, "closed_hour");
    const count = {
      from: new Date(hour).toISOString(),
      to: new Date(hour + HOUR).toISOString(),
      where: [{ field: "type", op: "eq", value: "closed_hour" }],
    };
    const events = { ...count, select: "events" };

    const buffered = await queryWith(ns.env, count);
    expect(buffered.body.rows).toEqual([{ count: 5 }]);
    expect(buffered.body.scanned.buffered).toBeGreaterThan(0);
    // Nothing archived into the hour since: its listing is taken from the isolate.
    const again = await queryWith(ns.env, count);
    expect(again.body.rows).toEqual([{ count: 5 }]);
    expect((again.body.scanned as { slicesFromCache?: number }).slicesFromCache).toBeGreaterThan(0);

    for (let shard = 0; shard < loadConfig(ns.env).shardCount; shard++) expect((await ns.shard(shard).flush()).errors).toEqual([]);

    const archived = await queryWith(ns.env, count);
    expect(archived.status, JSON.stringify(archived.body)).toBe(200);
    expect(archived.body.rows).toEqual([{ count: 5 }]);
    expect(archived.body.scanned.buffered).toBe(0);
    const answered = await queryWith(ns.env, events);
    expect(answered.body.rows).toHaveLength(5);
  });
});
