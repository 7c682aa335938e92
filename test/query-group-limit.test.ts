import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_GROUPS } from "../tail-worker/query/refusal";
import { postQuery } from "./helpers/query-events";

// The group limit refuses a query whatever the events were read from: a refusal raised while an
// archive object streams is the query's, not a sign that the object is unreadable.

describe("/query group limit over archive objects", () => {
  it("answers 422, not partial rows, when archived events make more than MAX_GROUPS groups", { timeout: 30_000 }, async () => {
    const t = Date.UTC(2034, 2, 3, 5);
    const at = new Date(t).toISOString();
    const key = `tail-events/${at.slice(0, 10)}/importance-2/05-00-groups.json`;
    // Minimal events (only what the scan and groupBy read) keep the object small.
    const body = `[${Array.from({ length: MAX_GROUPS + 1 }, (_, i) => `{"id":"g${i}","type":"many","importance":2,"timestamp":${t}}`).join(",")}]`;
    await env.ARCHIVE.put(key, body, { customMetadata: { firstEventAt: at, lastEventAt: at, importance: "2" } });

    const { status, body: answer } = await postQuery({
      from: at,
      to: new Date(t + 60_000).toISOString(),
      includeBuffered: false,
      groupBy: ["id"],
    });
    expect(status, JSON.stringify({ ...answer, rows: answer.rows?.length })).toBe(422);
    expect(answer.error!.message).toContain(`more than ${MAX_GROUPS} groups`);
    expect(answer.error!.details).toMatchObject({ maxGroups: MAX_GROUPS });
  });
});
