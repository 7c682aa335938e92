import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../tail-worker/index";
import { readArchives, utcDate } from "./helpers/archive";
import { log, T0, traceItem } from "./helpers/trace-items";

// The HTTP API of do-tail, through the Worker's own fetch handler: health, stats, flush, and
// JSON errors for anything else. (Archive browsing and /test-events have their own files.)
const api = (path: string, init?: RequestInit) => exports.default.fetch(`http://do-tail${path}`, init);

describe("HTTP API", () => {
  it("GET /health answers ok as JSON", async () => {
    const res = await api("/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "ok", service: "do-tail", environment: "development" });
    expect(Date.parse(String(body.time))).not.toBeNaN();
  });

  it("GET /stats answers buffered events and bytes per importance, counters and settings", async () => {
    const res = await api("/stats");
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      buffered: Record<string, { events: number; bytes: number; maxEvents: number; maxBytes: number }>;
      counters: Record<string, unknown>;
      config: Record<string, unknown>;
    };
    expect(Object.keys(body.buffered)).toEqual(["CRITICAL", "HIGH", "NORMAL", "LOW"]);
    expect(body.buffered.CRITICAL).toMatchObject({ events: 0, bytes: 0, maxEvents: 10, maxBytes: 1024 * 1024 });
    expect(body.buffered.LOW).toMatchObject({ maxEvents: 5000, maxBytes: 100 * 1024 * 1024 });
    for (const counter of [
      "received",
      "archived",
      "keptAsText",
      "receivedByImportance",
      "archivedByImportance",
      "byNamespace",
      "objectsWritten",
      "lastFlushAt",
      "lastError",
    ]) {
      expect(body.counters, counter).toHaveProperty(counter);
    }
    expect(body.config).toMatchObject({ environment: "development", flushIntervalSeconds: 30, batchSize: 1000, logLevel: "error" });
  });

  it("POST /flush writes what the tail handler buffered and answers keys, event counts and bytes", async () => {
    const item = traceItem({
      scriptName: "flush-route-producer",
      logs: [log("log", JSON.stringify({ _event: "order_placed", orderId: "o-1" })), log("log", "plain text")],
    });
    await worker.tail([item as unknown as TraceItem], env);
    const statsBefore = (await (await api("/stats")).json()) as { buffered: Record<string, { events: number }> };
    expect(statsBefore.buffered.NORMAL!.events + statsBefore.buffered.LOW!.events).toBe(3);

    const res = await api("/flush", { method: "POST" });
    expect(res.status).toBe(200);
    const report = (await res.json()) as {
      objects: { key: string; importance: number; events: number; bytes: number }[];
      events: number;
      bytes: number;
      errors: string[];
    };
    expect(report.errors).toEqual([]);
    expect(report.events).toBe(3);
    expect(report.objects.map((o) => [o.importance, o.events]).sort()).toEqual([
      [2, 1],
      [3, 2],
    ]);
    const archives = await readArchives(env.ARCHIVE, `tail-events/${utcDate(T0)}/`);
    expect(archives.map((a) => a.key).sort()).toEqual(report.objects.map((o) => o.key).sort());
    expect(report.bytes).toBe(archives.reduce((sum, a) => sum + a.size, 0));
  });

  it("answers unknown routes and methods with a 404 JSON problem", async () => {
    for (const [method, path] of [
      ["GET", "/nope"],
      ["GET", "/flush"],
      ["DELETE", "/archives"],
      ["POST", "/health"],
    ] as const) {
      const res = await api(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ error: { status: 404, message: `no route for ${method} ${path}` } });
    }
  });

  it("writes a lone surrogate of the asker's (a query's alias, a field an error names) as U+FFFD, which strict JSON readers take", async () => {
    const post = (body: unknown) => api("/query", { method: "POST", body: JSON.stringify(body) });
    const answered = await (await post({ from: "-1h", includeBuffered: false, aggregates: [{ fn: "count", as: "n\udc00" }] })).text();
    const refused = await (await post({ from: "-1h", orderBy: [{ field: "\ud800", dir: "asc" }] })).text();
    for (const text of [answered, refused]) {
      expect(text).not.toMatch(/\\ud[89a-f][0-9a-f]{2}/i);
      expect(text.isWellFormed()).toBe(true);
    }
    expect(Object.keys((JSON.parse(answered) as { rows: object[] }).rows[0]!)).toEqual(["n\ufffd"]);
  });
});
