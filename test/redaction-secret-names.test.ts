import { describe, expect, it } from "vitest";
import { archivedEvents, archivedJson } from "./helpers/tail-path";
import { log, traceItem } from "./helpers/trace-items";

// Field names are the producer's text too: a map keyed by URL, path, command or header line
// (`{"hits": {"/login?token=…": 3}}`) holds its secrets in its names.

const SECRET = "Sx9secretVALUE77";

/** Names that hold a secret written as text, and what each becomes. */
const NAMES: Record<string, string> = {
  [`/login?token=${SECRET}`]: "/login?token=[REDACTED]",
  [`https://bob:${SECRET}@db.example.com/x`]: "https://bob:[REDACTED]@db.example.com/x",
  [`password=${SECRET}`]: "password=[REDACTED]",
  [`Authorization: Bearer ${SECRET}`]: "Authorization: [REDACTED]",
  [`mysql -p${SECRET} -h db`]: "mysql -p[REDACTED] -h db",
  [`charge sk_live_${SECRET}abcdefgh`]: "charge [REDACTED]",
  "card 4111 1111 1111 1111": "card [REDACTED]",
};

/** The same map in every place a name reaches the archive: a JSON line, nested, an object argument, a diagnostics message. */
function itemWith(map: Record<string, unknown>) {
  return traceItem({
    logs: [
      log("log", JSON.stringify({ _event: "hits", ...map })),
      log("log", JSON.stringify({ _event: "hits", byUrl: { inner: map } })),
      log("log", "hits", { byUrl: map }),
    ],
    diagnosticsChannelEvents: [{ timestamp: 1, channel: "hits", message: { byUrl: map } }],
  });
}

describe("field names that hold a secret as text", () => {
  it("are redacted as text is, in every place, and keep their values and order", () => {
    const map = Object.fromEntries(Object.keys(NAMES).map((name, i) => [name, i + 1]));
    const events = archivedEvents(itemWith({ first: 0, ...map, last: 99 })).slice(1);
    expect(events).toHaveLength(4);
    for (const event of events) {
      const json = JSON.stringify(event);
      expect(json).not.toContain(SECRET);
      expect(json).not.toContain("4111 1111");
      const data = event.data as Record<string, unknown>;
      const held = (data.byUrl as Record<string, unknown> | undefined)?.inner ?? data.byUrl ?? data;
      expect(Object.keys(held as object).filter((name) => name !== "_event")).toEqual(["first", ...Object.values(NAMES), "last"]);
      expect(Object.values(held as object).filter((value) => typeof value === "number")).toEqual([
        0,
        ...Object.keys(NAMES).map((_, i) => i + 1),
        99,
      ]);
    }
  });

  it("are redacted beside their value when the name also names a secret", () => {
    const [, event] = archivedEvents(
      traceItem({
        logs: [log("log", JSON.stringify({ _event: "form", fields: { [`/signup?token=${SECRET}&field=password`]: "hunter2" } }))],
      }),
    );
    expect(JSON.stringify(event)).not.toContain(SECRET);
    expect((event!.data as { fields: object }).fields).toEqual({ "/signup?token=[REDACTED]&field=password": "[REDACTED]" });
  });

  it("keep every value when two names redact to the same text", () => {
    const [, event] = archivedEvents(
      traceItem({
        logs: [log("log", JSON.stringify({ _event: "hits", "/a?token=one-Sx9secretVALUE77": 1, "/a?token=two-Sx9secretVALUE77": 2 }))],
      }),
    );
    expect(JSON.stringify(event)).not.toContain(SECRET);
    const names = Object.keys(event!.data).filter((name) => name !== "_event");
    expect(names[0]).toBe("/a?token=[REDACTED]");
    expect(names[1]).toMatch(/^secret:[0-9a-f]{16}$/);
    expect(Object.values(event!.data).slice(1)).toEqual([1, 2]);
  });

  it("leave names that hold no secret, and the producer's line byte for byte", () => {
    const line = '{"_event":"hits","byPath":{"/login?page=2":3,"GET /items":1,"a=b":2,"12:30":4},"big":12345678901234567890}';
    expect(archivedJson(traceItem({ logs: [log("log", line)] }))[1]).toContain(`"data":${line}}`);
  });
});
