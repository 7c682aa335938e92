import { env } from "cloudflare:workers";
import { it } from "vitest";
import type { Env } from "../schemas/config/env";
import { busyDay, writeBusyDay } from "../scripts/lib/busy-day.mjs";
import { countQueries, eventsWithErrorField, recentProblems } from "../tail-worker/dashboard/js/dashboard-queries.js";
import { windowOf } from "../tail-worker/dashboard/js/time-window.js";
import { router } from "../tail-worker/http/router";
import { report } from "./report";

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** R2 with its operations counted: list calls, objects read and their bytes. */
function countedEnv(): { env: Env; ops: { lists: number; gets: number; bytes: number } } {
  const ops = { lists: 0, gets: 0, bytes: 0 };
  const archive = new Proxy(env.ARCHIVE, {
    get(target, property) {
      if (property === "list")
        return (options?: R2ListOptions) => {
          ops.lists++;
          return target.list(options);
        };
      if (property === "get")
        return async (key: string, options?: R2GetOptions) => {
          ops.gets++;
          const object = await target.get(key, options);
          const range = options?.range as { length?: number } | undefined;
          if (object) ops.bytes += range?.length !== undefined ? Math.min(range.length, object.size) : object.size;
          return object;
        };
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { env: { ...env, ARCHIVE: archive } as Env, ops };
}

async function call(environment: Env, path: string, body?: unknown): Promise<{ status: number; answer: Record<string, unknown> }> {
  const init = body === undefined ? {} : { method: "POST", body: JSON.stringify(body) };
  const res = await router.fetch(new Request(`http://do-tail${path}`, init), environment, ctx);
  return { status: res.status, answer: (await res.json()) as Record<string, unknown> };
}

/**
 * One dashboard refresh on the busy day (54,600 objects over 26 hours, scripts/lib/busy-day.mjs)
 * for the 15-minute, 1-hour and 24-hour windows: every request the page makes, at once, as the
 * page does; time and R2 operations.
 */
it("dashboard refresh on a busy day", { timeout: 3_600_000 }, async () => {
  const end = Date.now() - 60_000;
  const objects = busyDay({ end, hours: 26 });
  const writeStart = performance.now();
  await writeBusyDay(env.ARCHIVE, objects);
  report("busy_day", { objects: objects.length, writeSeconds: (performance.now() - writeStart) / 1000 });
  for (const windowName of ["15m", "1h", "24h"]) {
    const window = windowOf(windowName);
    // At a whole minute, as the page asks: counts come per minute.
    const from = Math.floor((Date.now() - window.ms) / 60_000) * 60_000;
    const { env: counted, ops } = countedEnv();
    const start = performance.now();
    const answers = await Promise.all([
      call(counted, "/stats"),
      call(counted, "/query/batch", { queries: Object.values(countQueries(from, window.bucket)) }),
      call(counted, `/insights/fleet?window=${windowName}`),
      call(counted, "/query", recentProblems(from)),
      call(counted, "/query", eventsWithErrorField(from)),
    ]);
    const ms = performance.now() - start;
    const batched = (answers[1]!.answer.answers ?? []) as Record<string, unknown>[];
    const failed = [
      ...answers.filter((a) => a.status !== 200).map((a) => `${a.status} ${JSON.stringify(a.answer).slice(0, 200)}`),
      ...batched.filter((a) => a.error !== undefined).map((a) => `batch: ${JSON.stringify(a.error).slice(0, 200)}`),
    ];
    const sampled = answers.filter((a) => a.answer.sampled !== undefined).length;
    report(`dashboard_${windowName}`, {
      ms,
      listCalls: ops.lists,
      objectsRead: ops.gets,
      bytesRead: ops.bytes,
      failed: failed.length,
      sampled,
    });
    if (failed.length > 0) console.log(`dashboard ${windowName} failures: ${failed.join("; ")}`);
  }
});

/** Objects of `count` events each, made by `event(i)`, written under their own day. */
async function writeObjects(day: string, objects: number, perObject: number, event: (i: number) => Record<string, unknown>) {
  for (let o = 0; o < objects; o++) {
    const events = Array.from({ length: perObject }, (_, k) => event(o * perObject + k));
    const body = JSON.stringify(events);
    const first = new Date(events[0]!.timestamp as number).toISOString();
    const last = new Date(events[events.length - 1]!.timestamp as number).toISOString();
    await env.ARCHIVE.put(`tail-events/${day}/importance-2/10-${String(o).padStart(2, "0")}-mem${o}.json`, body, {
      customMetadata: { eventCount: String(events.length), firstEventAt: first, lastEventAt: last, importance: "2" },
    });
  }
}

/**
 * Peak memory (workerd RSS, sampled by scripts/bench.mjs between MEMORY_START and MEMORY_END) of
 * the heaviest query shapes: 50 percentile aggregates over 200,000 events, a groupBy on a text
 * field with 45,000 distinct long values, and select:events over 10,000 events of 10 KB.
 */
it("memory of the heaviest query shapes", { timeout: 1_800_000 }, async () => {
  const base = Date.UTC(2033, 6, 1, 10);
  const fields = Array.from({ length: 17 }, (_, i) => `m${i}`);
  await writeObjects("2033-07-01", 20, 10_000, (i) => ({
    id: `p${i}`,
    type: "metrics",
    importance: 2,
    timestamp: base + Math.floor(i / 10_000) * 60_000 + (i % 10_000),
    data: Object.fromEntries(fields.map((f, k) => [f, (i * (k + 7)) % 100_000])),
  }));
  await writeObjects("2033-07-02", 9, 5_000, (i) => ({
    id: `g${i}`,
    type: "visit",
    importance: 2,
    timestamp: base + 86_400_000 + Math.floor(i / 5_000) * 60_000 + (i % 5_000),
    data: { userAgent: `Mozilla/5.0 (agent ${i}) ${"x".repeat(50)}` },
  }));
  await writeObjects("2033-07-03", 10, 1_000, (i) => ({
    id: `e${i}`,
    type: "large",
    importance: 2,
    timestamp: base + 2 * 86_400_000 + Math.floor(i / 1_000) * 60_000 + (i % 1_000),
    data: { payload: "y".repeat(10_000) },
  }));
  const roomy = { ...env, QUERY_MAX_BYTES: "1073741824" } as Env;
  const day = (n: number) => ({ from: base + n * 86_400_000, to: base + n * 86_400_000 + 3_600_000, includeBuffered: false });
  const shapes: [string, unknown][] = [
    [
      "percentiles_50",
      {
        ...day(0),
        aggregates: Array.from({ length: 50 }, (_, k) => ({ fn: ["p50", "p95", "p99"][k % 3], field: fields[k % 17], as: `a${k}` })),
      },
    ],
    ["group_by_text", { ...day(1), groupBy: ["userAgent"], limit: 10 }],
    // Ordered by id, not time: every object is read, and the answer keeps what fits its byte cap.
    ["events_10000_large", { ...day(2), select: "events", limit: 10_000, orderBy: [{ field: "id", dir: "asc" }] }],
  ];
  for (const [name, body] of shapes) {
    await pause(1500);
    console.log(`MEMORY_START ${name}`);
    const start = performance.now();
    const { status, answer } = await call(roomy, "/query", body);
    const ms = performance.now() - start;
    console.log(`MEMORY_END ${name}`);
    const scanned = answer.scanned as { events?: number } | undefined;
    report(`memory_${name}`, {
      status,
      ms,
      events: scanned?.events ?? 0,
      rows: Array.isArray(answer.rows) ? answer.rows.length : 0,
      cutByBytes: answer.cutByBytes === true ? 1 : 0,
    });
  }
});
