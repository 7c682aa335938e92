import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { EventEnvelope } from "../schemas/event-envelope";
import { fieldPath } from "../schemas/filter/field-path";
import { namedEvent, postQuery, putArchive, type QueryEvent } from "./helpers/query-events";

// `channel` is an envelope field of diagnostics-channel events (tail-worker/route/envelope.ts), so
// queries read it from the envelope, not from `data`.

describe("/query on channel", () => {
  it("reads channel from the envelope", () => {
    expect(fieldPath("channel").segments).toEqual(["channel"]);
    expect(fieldPath("channel").read({ channel: "db", data: { channel: "email" } })).toBe("db");
  });

  it("filters and groups archived diagnostics events by their channel", async () => {
    const t = Date.UTC(2034, 3, 4, 7);
    const diagnostic = (channel: string, i: number) => ({
      ...namedEvent(channel, t + i, { query: "SELECT 1" }),
      kind: "diagnostic" as const,
      channel,
    });
    const events: QueryEvent[] = [diagnostic("db", 0), diagnostic("db", 1), diagnostic("undici:request", 2)];
    // A producer field named channel (Communication events) is data.channel, not the envelope's.
    events.push(namedEvent("Email.sent", t + 3, { channel: "db" }));
    for (const event of events) expect(v.safeParse(EventEnvelope, event).success).toBe(true);
    expect(v.parse(EventEnvelope, events[0]).channel).toBe("db");
    await putArchive(events);

    const range = { from: new Date(t).toISOString(), to: new Date(t + 60_000).toISOString(), includeBuffered: false };
    const filtered = await postQuery({ ...range, where: [{ field: "channel", op: "eq", value: "db" }] });
    expect(filtered.status, JSON.stringify(filtered.body)).toBe(200);
    expect(filtered.body.rows).toEqual([{ count: 2 }]);

    const grouped = await postQuery({ ...range, where: [{ field: "kind", op: "eq", value: "diagnostic" }], groupBy: ["channel"] });
    expect(grouped.body.rows).toEqual([
      { channel: "db", count: 2 },
      { channel: "undici:request", count: 1 },
    ]);
  });
});
