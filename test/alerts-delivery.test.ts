import { abortAllDurableObjects, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AlertState } from "../collector-do/alerts/state/alert-state";
import { bodyFor, type NotificationFacts } from "../collector-do/alerts/state/notification";
import { alertState } from "../schemas/alert-rpc";
import type { AlertRule } from "../schemas/config/alert-rules";
import { eventually, type Receiver, receiver } from "./helpers/alert-receiver";
import { alertEvents, alertHarness, alertsView, flushTap } from "./helpers/alerts";

// Delivery from the durable outbox: signed, retried with backoff and counted, and never lost when
// the AlertState object goes away between the transition and the delivery.

const SECRET = "alert-secret-for-tests-0123456789";
const ruleFor = (name: string, hook: Receiver, extra: object = {}) => ({
  name,
  where: [{ field: "type", op: "eq", value: "boom" }],
  threshold: 1,
  window: "10m",
  notify: [hook.url],
  ...extra,
});

async function fire(name: string, rules: unknown[], secret?: string) {
  const harness = await alertHarness(name, rules, { intervalMs: 50, secret });
  await harness.shards[0]!.ingest({ events: alertEvents(1, { type: "boom", importance: 0 }) });
  await flushTap(harness.shards[0]!);
  return harness;
}

const requestsOf = (hook: Receiver, n: number) =>
  eventually(`${n} requests`, async () => {
    const requests = await hook.requests();
    return requests.length >= n && requests.every((r) => r.status !== null) ? requests : undefined;
  });

describe("notification delivery", () => {
  it("signs the body with ALERT_WEBHOOK_SECRET, and the receiver verifies it", async () => {
    const good = receiver("signed-good");
    const other = receiver("signed-other-secret");
    const unsigned = receiver("unsigned");
    await good.control({ secret: SECRET });
    await other.control({ secret: "a-different-secret-0123456789" });
    await fire("signed", [ruleFor("signed", good), ruleFor("signed-elsewhere", other)], SECRET);
    await unsigned.control({ secret: SECRET });
    await fire("unsigned", [ruleFor("unsigned", unsigned)]);

    const [signed] = await requestsOf(good, 1);
    expect(signed).toMatchObject({ signature: "valid", contentType: "application/json", status: 200 });
    expect(signed!.id).toBe((JSON.parse(signed!.body) as { id: string }).id);
    expect((await requestsOf(other, 1))[0]!.signature).toBe("invalid");
    expect((await requestsOf(unsigned, 1))[0]!.signature).toBe("missing");
  }, 30_000);

  it("retries a failing destination with backoff, with the same id, and counts the retries", async () => {
    const hook = receiver("retried");
    await hook.control({ answers: [503, 500, 429] });
    const { state } = await fire("retried", [ruleFor("retried", hook)]);

    const requests = await requestsOf(hook, 4);
    expect(requests.map((r) => r.status)).toEqual([503, 500, 429, 200]);
    expect(new Set(requests.map((r) => r.id)).size).toBe(1);
    // Backoff: each retry waited at least the policy's 1 s floor.
    for (let i = 1; i < requests.length; i++) expect(requests[i]!.at - requests[i - 1]!.at).toBeGreaterThanOrEqual(1_000);
    const view = await alertsView(state);
    expect(view.delivery).toEqual({ delivered: 1, retries: 3, failed: 0 });
    expect(view.outbox).toMatchObject({ pending: 0, failed: 0 });
  }, 30_000);

  it("gives up on a final answer (404) at once, and shows it as failed", async () => {
    const hook = receiver("final-404");
    await hook.control({ answers: [404] });
    const { state } = await fire("final-404", [ruleFor("final-404", hook)]);
    await requestsOf(hook, 1);
    const view = await eventually("the failure recorded", async () => {
      const v = await alertsView(state);
      return v.delivery.failed === 1 ? v : undefined;
    });
    expect(view.outbox).toMatchObject({ pending: 0, failed: 1 });
    expect(view.outbox.lastError).toContain("HTTP 404");
    expect(view.outbox.lastError).not.toContain("/hooks/");
    expect(await hook.requests()).toHaveLength(1);
  }, 30_000);

  it("waits as long as a receiver's Retry-After asks, in seconds or as a date, before sending again", async () => {
    // The first retry's backoff is at most 2 s: a wait of 4 s or more is the receiver's.
    const seconds = receiver("retry-after-seconds");
    const dated = receiver("retry-after-date");
    await seconds.control({ answers: [{ status: 429, headers: { "retry-after": "5" } }] });
    await dated.control({ answers: [{ status: 503, headers: { "retry-after": new Date(Date.now() + 6_000).toUTCString() } }] });
    const [one, two] = await Promise.all([
      fire("retry-after-seconds", [ruleFor("retry-after-seconds", seconds)]),
      fire("retry-after-date", [ruleFor("retry-after-date", dated)]),
    ]);

    for (const hook of [seconds, dated]) {
      const [refused, delivered] = await requestsOf(hook, 2);
      expect(delivered!.status).toBe(200);
      expect(delivered!.at - refused!.at).toBeGreaterThanOrEqual(4_000);
    }
    expect((await alertsView(one.state)).delivery).toEqual({ delivered: 1, retries: 1, failed: 0 });
    expect((await alertsView(two.state)).delivery).toEqual({ delivered: 1, retries: 1, failed: 0 });
  }, 40_000);

  it("does not follow a redirect, which would turn the POST into a GET without its body: the delivery fails, naming where it pointed", async () => {
    const moved = receiver("redirecting");
    const target = receiver("redirect-target");
    await moved.control({ answers: [{ status: 302, headers: { location: target.url } }] });
    const { state } = await fire("redirecting", [ruleFor("redirecting", moved)]);
    await requestsOf(moved, 1);
    const view = await eventually("the failure recorded", async () => {
      const v = await alertsView(state);
      return v.delivery.failed === 1 ? v : undefined;
    });
    expect(view.outbox.lastError).toContain("HTTP 302: redirected to http://127.0.0.1");
    // The target's path (a Slack webhook's is its credential) is not shown.
    expect(view.outbox.lastError).not.toContain("/hooks/");
    expect(view.delivery.delivered).toBe(0);
    expect(await target.requests()).toEqual([]);
    expect(await moved.requests()).toHaveLength(1);
  }, 30_000);

  it("delivers a notification written before an eviction, after it", async () => {
    const hook = receiver("evicted-before-delivery");
    await hook.control({ answers: Array(100).fill(503) });
    const { state } = await fire("evicted-before-delivery", [ruleFor("evicted-before-delivery", hook)]);
    await requestsOf(hook, 1);
    // The firing is in the outbox, not delivered; the object goes away with it there.
    expect((await alertsView(state)).outbox.pending).toBe(1);
    await evictDurableObject(state);
    const evictedAt = Date.now();
    await hook.control({ answers: [] });

    const delivered = await eventually("a delivery after the eviction", async () => (await hook.requests()).find((r) => r.status === 200));
    expect(delivered.at).toBeGreaterThanOrEqual(evictedAt);
    const requests = await hook.requests();
    expect(new Set(requests.map((r) => r.id)).size).toBe(1);
    expect(JSON.parse(delivered.body)).toMatchObject({ rule: "evicted-before-delivery", state: "firing" });
    expect((await alertsView(state)).outbox.pending).toBe(0);
  }, 30_000);

  it("sends again, with the same id, what was being delivered when the object died", async () => {
    const hook = receiver("aborted-mid-delivery");
    await hook.control({ hold: true });
    await fire("aborted-mid-delivery", [ruleFor("aborted-mid-delivery", hook)]);
    await eventually("the delivery under way", async () => ((await hook.requests()).length === 1 ? true : undefined));

    await abortAllDurableObjects();
    await hook.control({ release: true });
    const state = alertState(env, "alerts-aborted-mid-delivery") as unknown as DurableObjectStub<AlertState>;

    // The restarted object finds the row in its outbox: at-least-once, deduplicated by id.
    const accepted = await eventually("a delivery after the restart", async () => {
      const requests = await hook.requests();
      return requests.length >= 2 && requests[1]!.status === 200 ? requests : undefined;
    });
    expect(new Set(accepted.map((r) => r.id)).size).toBe(1);
    const view = await eventually("an empty outbox", async () => {
      const v = await alertsView(state);
      return v.outbox.pending === 0 ? v : undefined;
    });
    expect(view.delivery.delivered).toBe(1);
    expect(view.transitions.map((t) => [t.rule, t.to])).toEqual([["aborted-mid-delivery", "firing"]]);
  }, 30_000);

  it("gives a Slack incoming webhook Slack's message shape", async () => {
    const sent: { url: string; body: unknown }[] = [];
    const slack = "https://hooks.slack.com/services/T000/B000/XXXXXXXX";
    const { state, shards } = await alertHarness("slack", [ruleFor("slack", { url: slack } as Receiver)], { intervalMs: 50 });
    // The destination is not reachable from tests: the object's fetch is observed and answered here.
    await runInDurableObject(state, (instance: AlertState) => {
      instance.fetcher = async (request) => {
        sent.push({ url: request.url, body: await request.json() });
        return new Response("ok");
      };
    });
    await shards[0]!.ingest({ events: alertEvents(1, { type: "boom", importance: 0, data: { orderId: "o-1" } }) });
    await flushTap(shards[0]!);
    await eventually("the Slack message", async () => (sent.length > 0 ? true : undefined));
    expect(sent[0]!.url).toBe(slack);
    const text = (sent[0]!.body as { text: string }).text;
    expect(Object.keys(sent[0]!.body as object)).toEqual(["text"]);
    expect(text).toMatch(/^:rotating_light: \*do-tail\* FIRING slack: 1 events in 10m \(fires at 1\)/);
    expect(text).toContain('"orderId":"o-1"');
    expect(text).toContain("<https://do-tail.example/#alerts-panel|Open the dashboard>");
    const view = await alertsView(state);
    expect(view.rules[0]!.notify).toEqual(["https://hooks.slack.com/…"]);
  }, 30_000);
});

describe("notification bodies", () => {
  const rule: AlertRule = {
    kind: "threshold",
    name: "5xx-rate",
    where: [],
    groupBy: ["script"],
    threshold: 1,
    window: "5m",
    windowMs: 300_000,
    rate: 0.05,
    of: [],
    repeat: "1h",
    repeatMs: 3_600_000,
    notify: [],
  };
  const facts: NotificationFacts = {
    id: "n1",
    rule,
    state: "firing",
    group: { script: "<checkout>" },
    measure: { count: 7, of: 50, rate: 0.14 },
    since: Date.UTC(2031, 0, 1),
    at: Date.UTC(2031, 0, 1, 0, 0, 1),
    repeat: 0,
    lastSeenAt: null,
    samples: ['{"id":"a-0","type":"invocation","data":{"status":503}}'],
    dashboard: null,
  };

  it("says count, rate and both thresholds in the JSON body", () => {
    expect(JSON.parse(bodyFor("https://hooks.example/alerts", facts))).toEqual({
      id: "n1",
      rule: "5xx-rate",
      kind: "threshold",
      state: "firing",
      group: { script: "<checkout>" },
      count: 7,
      of: 50,
      rate: 0.14,
      threshold: 1,
      rateThreshold: 0.05,
      window: "5m",
      since: "2031-01-01T00:00:00.000Z",
      at: "2031-01-01T00:00:01.000Z",
      repeat: 0,
      samples: [{ id: "a-0", type: "invocation", data: { status: 503 } }],
      dashboard: null,
    });
  });

  it("escapes Slack's markup characters in values", () => {
    const { text } = JSON.parse(bodyFor("https://hooks.slack.com/services/x", facts)) as { text: string };
    expect(text).toContain("script=&lt;checkout&gt;");
    expect(text).toContain("14.0 % of 50 events in 5m");
  });
});
