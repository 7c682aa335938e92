import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ROOT, requireSupportedNode } from "../../scripts/lib/wrangler.mjs";
import startReceiver from "../engines/alert-receiver.mjs";
import { launchBrowser } from "./lib/browser.mjs";
import { startLocalPipeline } from "./lib/local-pipeline.mjs";

/**
 * `npm run test:e2e`: an uncaught exception in a real producer (example-api under `wrangler dev`)
 * reaches a local HTTP receiver as one `firing` notification within 10 seconds, through the whole
 * pipeline: tail consumer → tail worker → collector → alert tap → AlertState → outbox → POST.
 * The receiver is the one the workerd tests use (test/engines/alert-receiver.mjs), in this process.
 * Then the dashboard's Alerts panel, in headless Chromium, shows the firing group.
 */
requireSupportedNode("test/e2e/alerts.e2e.mjs");

const WORK = join(ROOT, "test-results", "e2e-alerts");
const ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef";
const SECRET = "e2e-alert-secret-0123456789abcdef";
const FIRE_WITHIN_MS = 10_000;
const log = (message) => console.log(`# e2e alerts: ${message}`);

let pipeline;
let receiverUrl;
let stopReceiver;
let browser;
let page;

const hook = () => `${receiverUrl}/hooks/e2e`;
const received = async () => (await (await fetch(`${receiverUrl}/received/e2e`)).json()).requests;

async function api(path) {
  const response = await fetch(`${pipeline.tailUrl}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return response.json();
}

async function until(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Requests to the producer until do-tail counts its events: wrangler drops them until the producer is connected. */
async function warmUp(url) {
  await until(
    "the producer's tail events to reach do-tail",
    async () => {
      const before = (await api("/stats")).counters.received;
      await (await fetch(url)).arrayBuffer();
      return until("its events", async () => (await api("/stats")).counters.received > before, 5_000).catch(() => false);
    },
    60_000,
  );
}

describe("alerts through the local pipeline", { timeout: 300_000 }, () => {
  before(async () => {
    stopReceiver = await startReceiver({ provide: (_name, url) => (receiverUrl = url) });
    await fetch(`${receiverUrl}/control/e2e`, { method: "POST", body: JSON.stringify({ secret: SECRET }) });
    // Locally wrangler's dev middleware catches an uncaught exception: the invocation ends `ok`
    // with status 500 and no exception event (deployed: kind "exception"; see README, Alerts).
    const rules = [
      {
        name: "uncaught-exception",
        where: [
          { field: "kind", op: "eq", value: "invocation" },
          { field: "status", op: "gte", value: 500 },
        ],
        threshold: 1,
        window: "10m",
        notify: [hook()],
      },
    ];
    pipeline = await startLocalPipeline({
      adminToken: ADMIN_TOKEN,
      workDir: WORK,
      producers: ["example-api"],
      vars: { ALERT_RULES: JSON.stringify(rules), ALERT_WEBHOOK_SECRET: SECRET },
      log,
    });
    await warmUp(`${pipeline.producers["example-api"]}/`);
    browser = await launchBrowser({ profile: join(WORK, "chromium-profile") });
    page = await browser.context.newPage();
    await page.addInitScript((token) => sessionStorage.setItem("do-tail.adminToken", token), ADMIN_TOKEN);
  });

  after(async () => {
    await browser?.close();
    await pipeline?.stop();
    await stopReceiver?.();
  });

  it("shows the rule on the dashboard's Alerts panel before anything fires", async () => {
    await page.goto(`${pipeline.tailUrl}/#alerts-panel`);
    await page.waitForSelector("#alerts-panel[data-state='ready'] tr[data-state='ok']");
    assert.equal(await page.textContent("#alerts-panel .panel-body"), "rulegroupstatevaluesinceuncaught-exception–okno events–");
    assert.match(await page.textContent("#alerts-panel .panel-meta"), /^0 firing · 1 rule$/);
  });

  it("sends one firing notification for an uncaught exception, within 10 seconds, signed", async () => {
    assert.deepEqual(await received(), [], "nothing fired during warm-up");
    // As the dashboard does: without PUBLIC_URL, links use the address /alerts was last reached at.
    assert.equal((await api("/alerts")).rules[0].name, "uncaught-exception");
    const requestedAt = Date.now();
    const boom = await fetch(`${pipeline.producers["example-api"]}/boom`);
    await boom.arrayBuffer();
    assert.equal(boom.status, 500);

    const [first] = await until(
      "the firing notification",
      async () => {
        const requests = await received();
        return requests.length > 0 ? requests : undefined;
      },
      30_000,
    );
    // From the request that threw: an upper bound of the time from the event reaching a collector.
    const latencyMs = first.at - requestedAt;
    log(`firing notification ${latencyMs} ms after the request that threw`);
    writeFileSync(join(WORK, "fire-latency.json"), JSON.stringify({ latencyMs, at: new Date().toISOString() }));
    assert.ok(latencyMs <= FIRE_WITHIN_MS, `the notification came ${latencyMs} ms after the exception (at most ${FIRE_WITHIN_MS})`);

    const notification = JSON.parse(first.body);
    assert.equal(first.signature, "valid");
    assert.equal(first.status, 200);
    assert.equal(notification.rule, "uncaught-exception");
    assert.equal(notification.state, "firing");
    assert.equal(notification.count, 1);
    assert.equal(notification.samples.length, 1);
    assert.equal(notification.samples[0].data.status, 500);
    assert.match(notification.samples[0].data.url, /\/boom$/);
    assert.equal(notification.dashboard, `${pipeline.tailUrl}/#alerts-panel`);

    // Exactly once: nothing more while several report intervals, commits and alarm runs go by.
    await sleep(12_000);
    const requests = await received();
    assert.equal(requests.length, 1, `one notification, got ${requests.map((r) => r.body).join("\n")}`);

    const alerts = await api("/alerts");
    assert.deepEqual(
      alerts.rules[0].groups.map((g) => [g.state, g.count]),
      [["firing", 1]],
    );
    assert.deepEqual(alerts.delivery, { delivered: 1, retries: 0, failed: 0 });
    assert.deepEqual(
      alerts.transitions.map((t) => [t.rule, t.from, t.to]),
      [["uncaught-exception", "pending", "firing"]],
    );
  });

  it("shows the firing group on the dashboard's Alerts panel", async () => {
    await page.reload();
    await page.waitForSelector("#alerts-panel[data-state='ready'] tr[data-state='firing']");
    const row = await page.locator("#alerts-panel tr[data-state='firing']").textContent();
    assert.match(row, /^uncaught-exception\(all\)firing1 \/ 1 in 10m/);
    assert.match(await page.textContent("#alerts-panel .panel-meta"), /^1 firing · 1 rule$/);
    assert.match(await page.textContent("#alerts-panel .errors"), /pending → firing/);
    await page.locator("#alerts-panel").screenshot({ path: join(ROOT, "test-results", "dashboard-alerts.png") });
  });
});
