import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ROOT, requireSupportedNode } from "../../scripts/lib/wrangler.mjs";
import { launchBrowser } from "./lib/browser.mjs";
import { startLocalPipeline } from "./lib/local-pipeline.mjs";

/**
 * `npm run test:e2e`: the dashboard in headless Chromium against a real local pipeline (do-tail
 * with an admin token, plus the example-api producer). Screenshots go to test-results/.
 */
requireSupportedNode("test/e2e/dashboard.e2e.mjs");

const RESULTS = join(ROOT, "test-results");
// wrangler logs, do-tail's state and the Chromium profile of this run (state and profile are removed at the end).
const WORK = join(RESULTS, "e2e");
const ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef";
const BOOM_MESSAGE = "boom: an uncaught exception, on purpose";
const log = (message) => console.log(`# e2e: ${message}`);

let pipeline;
let browser;
let page;
const pageProblems = [];

async function call(path, { method = "GET", body, token = ADMIN_TOKEN } = {}) {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${pipeline.tailUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, headers: response.headers };
}

const stats = async () => (await call("/stats")).json;

async function until(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
}

async function warmUp(url) {
  await until(
    `events of ${url} to reach do-tail`,
    async () => {
      const before = (await stats()).counters.received;
      await (await fetch(url)).arrayBuffer();
      return until(`${url} tail events`, async () => (await stats()).counters.received > before, 5_000).then(
        () => true,
        () => false,
      );
    },
    60_000,
  );
}

/** What each card should read, computed here from /stats independently of the page's code. */
function expectedCards(s) {
  const c = s.counters;
  const addAll = (v) => (typeof v === "number" ? v : v && typeof v === "object" ? Object.values(v).reduce((t, x) => t + addAll(x), 0) : 0);
  return {
    received: c.received,
    "importance-CRITICAL": c.receivedByImportance.CRITICAL,
    "importance-HIGH": c.receivedByImportance.HIGH,
    "importance-NORMAL": c.receivedByImportance.NORMAL,
    "importance-LOW": c.receivedByImportance.LOW,
    buffered: Object.values(s.buffered).reduce((t, b) => t + b.events, 0),
    archived: c.archived,
    failures: c.flushFailures,
    shed: addAll(c.shed),
  };
}

async function cardsOnPage() {
  return page.$$eval("#cards-panel [data-card]", (cards) =>
    Object.fromEntries(
      cards.map((card) => [
        card.dataset.card,
        { raw: card.querySelector(".card-value")?.dataset.value, text: card.querySelector(".card-value")?.textContent },
      ]),
    ),
  );
}

describe("dashboard in Chromium", { timeout: 360_000 }, () => {
  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    pipeline = await startLocalPipeline({ adminToken: ADMIN_TOKEN, workDir: WORK, producers: ["example-api", "uptime-monitor"], log });
    log(`do-tail ${pipeline.tailUrl}, producers ${JSON.stringify(pipeline.producers)}`);

    // The dev registry connects a producer to do-tail shortly after it starts: a harmless request
    // to each must have reached do-tail before the events the test checks are sent.
    for (const url of [`${pipeline.producers["example-api"]}/`, `${pipeline.producers["uptime-monitor"]}/health`]) await warmUp(url);

    // Events: samples of every kind, an uncaught exception in a real producer, a flush so that
    // some events are archived, then more samples so that some stay buffered.
    assert.equal((await call("/test-events", { method: "POST" })).status, 200);
    const before = (await stats()).counters.received;
    const boom = await fetch(`${pipeline.producers["example-api"]}/boom`);
    assert.equal(boom.status, 500, "GET /boom should fail with 500");
    const round = await fetch(`${pipeline.producers["uptime-monitor"]}/run`, { method: "POST" });
    assert.equal(round.status, 200, "uptime-monitor POST /run");
    const { checks } = await round.json();
    assert.ok(checks > 0, "one round checks some monitors");
    // /boom: the invocation and its wide event; the round: its invocation and a heartbeat per check.
    await until("the producers' events to reach do-tail", async () => (await stats()).counters.received >= before + 2 + 1 + checks);
    assert.equal((await call("/flush", { method: "POST" })).status, 200);
    assert.equal((await call("/test-events", { method: "POST" })).status, 200);

    browser = await launchBrowser({ profile: join(WORK, "chromium-profile") });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on("pageerror", (error) => pageProblems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (/Content Security Policy|Uncaught/i.test(message.text())) pageProblems.push(`console: ${message.text()}`);
    });
  });

  after(async () => {
    if (page) await page.screenshot({ path: join(RESULTS, "dashboard-last.png"), fullPage: true }).catch(() => {});
    await browser?.close();
    await pipeline?.stop();
  });

  it("serves the page shell without a token, and it holds no data", async () => {
    const shell = await call("/", { token: null });
    assert.equal(shell.status, 200);
    assert.match(shell.headers.get("content-type") ?? "", /text\/html/);
    assert.match(shell.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.doesNotMatch(shell.text, /<script>|\bdata-value="\d/, "no inline script, no numbers in the shell");
    assert.equal((await call("/stats", { token: null })).status, 401, "the API itself needs the token");
    assert.equal((await call("/vendor/uplot/uPlot.esm.js", { token: null })).status, 200, "uPlot is served as a static asset");
  });

  it("asks for the token when the API answers 401, and keeps it in sessionStorage only", async () => {
    await page.goto(`${pipeline.tailUrl}/`);
    await page.waitForSelector("#token-dialog[open]");
    assert.equal(await page.locator("#cards-panel [data-card]").count(), 0, "no data before the token is given");

    await page.fill("#token-input", "a-wrong-token-0123456789");
    await page.click("#token-submit");
    await page.waitForFunction(
      () => document.querySelector("#token-dialog")?.open && /refused/.test(document.querySelector("#token-reason")?.textContent ?? ""),
    );

    await page.fill("#token-input", ADMIN_TOKEN);
    await page.click("#token-submit");
    await page.waitForSelector("#cards-panel[data-state='ready'] [data-card='received']");
    const storage = await page.evaluate(() => ({ session: sessionStorage.getItem("do-tail.adminToken"), local: localStorage.length }));
    assert.deepEqual(storage, { session: ADMIN_TOKEN, local: 0 });
  });

  it("shows the counts /stats reports on the cards", async () => {
    const s = await stats();
    assert.ok(s.counters.archived > 0 && Object.values(s.buffered).some((b) => b.events > 0), "some events archived and some buffered");
    let expected;
    let shown;
    await until("the cards to match /stats", async () => {
      expected = expectedCards(await stats());
      await page.click("#refresh");
      await page.waitForFunction(() => !document.querySelector("#cards-panel")?.dataset.state?.match(/loading|refreshing/));
      shown = await cardsOnPage();
      return Object.entries(expected).every(([key, value]) => shown[key]?.raw === String(value));
    }).catch((error) => {
      throw new Error(`${error.message}\nexpected ${JSON.stringify(expected)}\nshown ${JSON.stringify(shown)}`);
    });
    for (const [key, value] of Object.entries(expected)) {
      assert.equal(shown[key].text.replace(/,/g, ""), String(value), `card ${key} reads its value`);
    }
  });

  it("draws the events-over-time chart", async () => {
    await page.waitForSelector("#timeline-panel[data-state='ready'] .uplot canvas");
    const box = await page.locator("#timeline-panel .uplot canvas").first().boundingBox();
    assert.ok(box && box.width > 100 && box.height > 50, `canvas has a size: ${JSON.stringify(box)}`);
    const meta = await page.textContent("#timeline-panel .panel-meta");
    assert.match(meta ?? "", /^[1-9][\d,]* events/, "the chart counts the events it drew");
  });

  it("lists the thrown exception among the recent errors", async () => {
    await page.waitForSelector("#errors-panel[data-state='ready'] .errors li");
    const items = await page.locator("#errors-panel .errors li").allTextContents();
    assert.ok(
      items.some((text) => text.includes(BOOM_MESSAGE) && text.includes("/boom")),
      `recent errors: ${JSON.stringify(items)}`,
    );
    // The sample exception from /test-events (a CRITICAL exception event).
    assert.ok(
      items.some((text) => text.includes("TypeError: Cannot read properties of undefined")),
      "the sample TypeError is listed",
    );
  });

  it("shows invocation success rate and p95 duration", async () => {
    await page.waitForSelector("#invocations-panel[data-state='ready'] [data-stat='success-rate']");
    assert.match(await page.textContent("#invocations-panel [data-stat='success-rate'] .stat-value"), /^\d+(\.\d)?%$/);
    assert.match(await page.textContent("#invocations-panel [data-stat='p95'] .stat-value"), /\d/);
  });

  it("shows monitor uptime from /insights/fleet", async () => {
    const fleet = (await call("/insights/fleet?window=1h")).json;
    assert.ok(fleet.monitors.length > 0, "the uptime round produced heartbeats");
    await page.click("#refresh");
    await page.waitForSelector("#uptime-panel[data-state='ready'] table tbody tr");
    const rows = await page.locator("#uptime-panel table tbody tr").allTextContents();
    assert.equal(rows.length, fleet.monitors.length, "one row per monitor");
    for (const monitor of fleet.monitors)
      assert.ok(
        rows.some((text) => text.includes(monitor.monitorId)),
        `monitor ${monitor.monitorId} listed`,
      );
    // Locally there is no Analytics SQL binding: the archive answers, and the panel says so.
    assert.equal(fleet.source, "archive");
    assert.equal(await page.getAttribute("#uptime-panel", "data-source"), "archive");
    assert.match(await page.textContent("#uptime-panel .panel-meta"), /from the archive/);
  });

  it("runs a query typed into the box and shows the rows as a table, then as a chart", async () => {
    const query = {
      from: "-1h",
      where: [{ field: "type", op: "eq", value: "request_handled" }],
      groupBy: ["data.path", "data.status"],
      aggregates: [{ fn: "count" }, { fn: "max", field: "durationMs" }],
      orderBy: [{ field: "count", dir: "desc" }],
      limit: 10,
    };
    const direct = await call("/query", { method: "POST", body: query });
    assert.equal(direct.status, 200, `POST /query: ${direct.text.slice(0, 300)}`);
    assert.ok(direct.json.rows.length > 0);

    await page.fill("#query-input", JSON.stringify(query, null, 2));
    await page.click("#query-run");
    await page.waitForSelector("#query-panel[data-state='ready'] #query-result table tbody tr");
    const rows = await page.locator("#query-result table tbody tr").allTextContents();
    assert.equal(rows.length, direct.json.rows.length, "one table row per result row");
    assert.ok(
      rows.some((text) => text.includes("/boom") && text.includes("500")),
      `rows: ${JSON.stringify(rows)}`,
    );

    await page.check("input[name='query-view'][value='chart']");
    await page.waitForSelector("#query-result .uplot canvas");
    await page.locator("#query-panel").screenshot({ path: join(RESULTS, "dashboard-query-chart.png") });
    await page.check("input[name='query-view'][value='table']");

    await page.fill("#query-input", '{"from": "-1h", "where": [{"field": "type", "op": "bogus"}]}');
    await page.click("#query-run");
    await page.waitForSelector("#query-panel[data-state='error']");
    assert.match(await page.textContent("#query-panel .panel-message"), /400/);
  });

  it("saves screenshots at desktop and phone widths without horizontal scrolling", async () => {
    // A result table in the query box makes the screenshot show it.
    await page.selectOption("#query-preset", "0");
    await page.click("#query-run");
    await page.waitForSelector("#query-panel[data-state='ready'] #query-result table");
    await page.screenshot({ path: join(RESULTS, "dashboard.png"), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(500);
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    assert.ok(widths.scroll <= widths.viewport, `no horizontal scrolling at 390 px: ${JSON.stringify(widths)}`);
    const canvas = await page.locator("#timeline-panel .uplot canvas").first().boundingBox();
    assert.ok(canvas && canvas.width <= 390, `the chart fits a phone: ${JSON.stringify(canvas)}`);
    await page.screenshot({ path: join(RESULTS, "dashboard-narrow.png"), fullPage: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(RESULTS, "dashboard-narrow-top.png") });
    log(`screenshots in ${RESULTS}`);
  });

  it("had no script errors or Content-Security-Policy violations", () => {
    assert.deepEqual(pageProblems, []);
  });
});
