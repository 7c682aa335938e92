import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../schemas/event-envelope";
import { NAMESPACE_HANDLERS } from "../tail-worker/classify/namespaces";
import { readArchives } from "./helpers/archive";

// POST /test-events feeds sample TraceItems through the same path as real ones. What matters is
// what ends up archived: every namespace, every importance, a thrown exception, non-JSON logs and
// a diagnostics-channel message.
const api = (path: string, init?: RequestInit) => exports.default.fetch(`http://do-tail${path}`, init);

describe("POST /test-events (development)", () => {
  it("generates sample traffic that is archived with every namespace, importance and event kind", async () => {
    const res = await api("/test-events", { method: "POST" });
    expect(res.status).toBe(200);
    const summary = (await res.json()) as { generated: { script: string }[]; events: number; accepted: number; undelivered: number };
    expect(summary.generated.length).toBeGreaterThan(0);
    expect(summary.undelivered).toBe(0);
    expect(summary.accepted).toBe(summary.events);

    const flush = await api("/flush", { method: "POST" });
    expect(flush.status).toBe(200);
    const report = (await flush.json()) as { events: number; objects: { key: string }[] };
    expect(report.events).toBe(summary.events);

    const archives = await readArchives(env.ARCHIVE);
    const events: EventEnvelope[] = archives.flatMap((a) => a.events);
    expect(events).toHaveLength(summary.events);

    // Every event sits in the directory of its own importance.
    for (const archive of archives) {
      const level = Number(/importance-(\d)\//.exec(archive.key)![1]);
      expect(
        archive.events.every((e) => e.importance === level),
        archive.key,
      ).toBe(true);
    }
    expect(new Set(events.map((e) => e.importance))).toEqual(new Set([0, 1, 2, 3]));

    const namespaces = new Set(events.map((e) => e.namespace).filter((ns) => ns !== null));
    expect([...namespaces].sort()).toEqual(NAMESPACE_HANDLERS.map((h) => h.namespace).sort());

    // A thrown exception: CRITICAL, with its name and message.
    const exception = events.find((e) => e.kind === "exception");
    expect(exception).toMatchObject({ importance: 0, data: { name: "TypeError" } });

    // Non-JSON and broken-JSON logs are kept as text, not dropped.
    expect(events.some((e) => e.kind === "log" && e.text === "cache warmed in 4ms" && e.parseError === undefined)).toBe(true);
    expect(events.some((e) => e.kind === "log" && e.parseError?.startsWith("invalid JSON") && e.text?.startsWith('{"_event"'))).toBe(true);

    // A diagnostics-channel message.
    expect(events.some((e) => e.kind === "diagnostic" && e.data._event !== undefined)).toBe(true);

    // Every sample producer's events carry its script name.
    const scripts = new Set(events.map((e) => e.script));
    for (const { script } of summary.generated) expect(scripts).toContain(script);
  });
});
