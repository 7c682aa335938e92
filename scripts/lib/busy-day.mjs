import { seededRandom } from "./seeded-random.mjs";
/**
 * A busy archive day for tests, the benchmark and the browser test: archive objects as the
 * collectors write them (keys, `customMetadata`), small (a few events each) so that tens of
 * thousands are written in about a minute, over the `hours` before `end`, across every importance
 * and several shard tags. The content is deterministic (a seed) and known: `objects[i].events`
 * are the events of each object, so answers can be computed independently. No I/O here: workerd
 * tests write the objects through their R2 binding, Node scripts through getPlatformProxy.
 *
 * Every object stays inside one UTC hour (as flushes split them), and its events lie within
 * 30 s of its key's minute.
 */

export const SHARD_TAGS = ["a0shard0", "b1shard1", "c2shard2", "d3shard3", "e4shard4"];
export const SCRIPTS = ["code-runner", "session-api", "uptime-monitor", "example-api", "do-framework"];
const MONITORS = ["mon_api", "mon_web", "mon_search", "mon_auth"];
const REGIONS = ["wnam", "enam", "weur", "apac"];
const CAPSULES = Array.from({ length: 40 }, (_, i) => `cap_${i}`);
/** Share of objects per importance (CRITICAL flushes every 10 events, so it writes many objects). */
const IMPORTANCE_SHARES = [0.3, 0.15, 0.4, 0.15];
const HOUR = 3_600_000;

/** The objects of `hours` hours before `end` (epoch ms), `perHour` objects an hour. */
export function busyDay({ end, hours = 24, perHour = 2100, seed = 7 }) {
  const random = seededRandom(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const objects = [];
  let n = 0;
  const start = end - hours * HOUR;
  const count = Math.round(hours * perHour);
  for (let i = 0; i < count; i++) {
    const keyMs = Math.floor((start + random() * (end - start - 1000)) / 60_000) * 60_000;
    const hourEnd = Math.floor(keyMs / HOUR) * HOUR + HOUR - 1;
    const last = Math.min(hourEnd, end - 1, keyMs + 30_000);
    const r = random();
    let importance = 0;
    let share = IMPORTANCE_SHARES[0];
    while (r > share && importance < 3) share += IMPORTANCE_SHARES[++importance];
    const size = 1 + Math.floor(random() * 3);
    const events = [];
    for (let e = 0; e < size; e++) {
      const timestamp = Math.max(keyMs, Math.floor(keyMs + random() * (last - keyMs + 1)));
      events.push(eventOf(importance, timestamp, ++n, random, pick));
    }
    events.sort((a, b) => a.timestamp - b.timestamp);
    // The key names the minute of the earliest event, as archiveKey() does.
    objects.push(objectOf(events, importance, pick(SHARD_TAGS), i));
  }
  return objects;
}

function objectOf(events, importance, tag, i) {
  const first = events[0].timestamp;
  const lastAt = events[events.length - 1].timestamp;
  const at = new Date(first).toISOString();
  const body = JSON.stringify(events);
  return {
    key: `tail-events/${at.slice(0, 10)}/importance-${importance}/${at.slice(11, 13)}-${at.slice(14, 16)}-${tag}${i.toString(36).padStart(6, "0")}.json`,
    body,
    events,
    customMetadata: {
      eventCount: String(events.length),
      bytes: String(new TextEncoder().encode(body).length),
      importance: String(importance),
      importanceName: ["CRITICAL", "HIGH", "NORMAL", "LOW"][importance],
      firstEventAt: at,
      lastEventAt: new Date(lastAt).toISOString(),
    },
  };
}

function envelope(n, importance, timestamp, type, kind, script, data, extra = {}) {
  const invocationId = `busy${n.toString(36).padStart(7, "0")}`;
  return { id: `${invocationId}-0`, invocationId, type, kind, importance, timestamp, script, namespace: null, ...extra, data };
}

function eventOf(importance, timestamp, n, random, pick) {
  const script = pick(SCRIPTS);
  const wallTime = Math.floor(5 + random() * 400);
  const cpuTime = Math.floor(1 + random() * 30);
  switch (importance) {
    case 0:
      return random() < 0.5
        ? envelope(n, 0, timestamp, "exception", "exception", script, {
            name: "TypeError",
            message: `Cannot read properties of undefined (reading 'id${n % 7}')`,
          })
        : envelope(n, 0, timestamp, "invocation", "invocation", script, {
            outcome: "exception",
            status: 500,
            wallTime,
            cpuTime,
            trigger: "fetch",
          });
    case 1:
      return random() < 0.5
        ? envelope(
            n,
            1,
            timestamp,
            "payment_failed",
            "log",
            "example-api",
            { _event: "payment_failed", error: "card declined", amount: Math.floor(random() * 9000) },
            { level: "log" },
          )
        : envelope(n, 1, timestamp, "invocation", "invocation", script, {
            outcome: "ok",
            status: 503,
            wallTime,
            cpuTime,
            trigger: "fetch",
          });
    case 2: {
      const r = random();
      if (r < 0.35)
        return envelope(
          n,
          2,
          timestamp,
          "run_complete",
          "log",
          "code-runner",
          {
            _event: "run_complete",
            capsuleId: pick(CAPSULES),
            durationMs: Math.floor(20 + random() * 3000),
            status: random() < 0.9 ? "success" : "error",
          },
          { level: "log" },
        );
      if (r < 0.7) {
        const status = random() < 0.95 ? "up" : "down";
        return envelope(
          n,
          2,
          timestamp,
          "heartbeat",
          "log",
          "uptime-monitor",
          {
            _event: "heartbeat",
            monitorId: pick(MONITORS),
            orgId: "org_busy",
            region: pick(REGIONS),
            status,
            latencyMs: Math.floor(30 + random() * 700),
            ...(status === "down" ? { error: "timed out" } : {}),
          },
          { level: "log" },
        );
      }
      // Tail-sampled (some at a fractional rate, as a producer's head rate times ours can be).
      return envelope(
        n,
        2,
        timestamp,
        "request_handled",
        "log",
        "example-api",
        {
          _event: "request_handled",
          path: `/items/${Math.floor(random() * 500)}`,
          status: 200,
          durationMs: Math.floor(2 + random() * 200),
          userAgent: `agent-${n}`,
        },
        { level: "log", sampleRate: pick([1, 2.5, 4]) },
      );
    }
    default:
      return random() < 0.6
        ? envelope(n, 3, timestamp, "invocation", "invocation", script, { outcome: "ok", status: 200, wallTime, cpuTime, trigger: "fetch" })
        : envelope(
            n,
            3,
            timestamp,
            "console.log",
            "log",
            script,
            {},
            { level: "log", text: `cache ${n % 2 ? "hit" : "miss"} for user:${n % 977}` },
          );
  }
}

/** Writes the objects through an R2 binding, `concurrency` puts at a time. */
export async function writeBusyDay(bucket, objects, concurrency = 64) {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < objects.length; i = next++) {
      const o = objects[i];
      await bucket.put(o.key, o.body, { httpMetadata: { contentType: "application/json" }, customMetadata: o.customMetadata });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
