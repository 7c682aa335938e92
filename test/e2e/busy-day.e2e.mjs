import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT, requireSupportedNode } from "../../scripts/lib/wrangler.mjs";
import { launchBrowser } from "./lib/browser.mjs";
import { writeBusyArchive } from "./lib/busy-archive.mjs";
import { startLocalPipeline } from "./lib/local-pipeline.mjs";

/**
 * The dashboard on a busy archive (more than 50,000 objects over the last 26 hours, written into
 * do-tail's local R2 before it starts): every panel answers for the 15-minute and 24-hour
 * windows, none in an error state, and the panels that read event contents say when they sampled.
 */
requireSupportedNode("test/e2e/busy-day.e2e.mjs");

const RESULTS = join(ROOT, "test-results");
const WORK = join(RESULTS, "e2e-busy");
const ADMIN_TOKEN = "e2e-busy-token-0123456789abcdef";
const PANELS = ["cards-panel", "timeline-panel", "types-panel", "scripts-panel", "invocations-panel", "uptime-panel", "errors-panel"];
const log = (message) => console.log(`# e2e busy day: ${message}`);

let pipeline;
let browser;
let page;
let written;
const pageProblems = [];

async function refreshWindow(windowName) {
  await page.selectOption("#window", windowName);
  await page.click("#refresh");
  // Every panel settled: none loading or refreshing.
  await page.waitForFunction((ids) => ids.every((id) => /^(ready|error)$/.test(document.getElementById(id)?.dataset.state ?? "")), PANELS, {
    timeout: 180_000,
  });
  const states = await page.evaluate(
    (ids) =>
      Object.fromEntries(
        ids.map((id) => {
          const section = document.getElementById(id);
          return [
            id,
            {
              state: section.dataset.state,
              message: section.querySelector(".panel-message")?.textContent ?? "",
              meta: section.querySelector(".panel-meta")?.textContent ?? "",
            },
          ];
        }),
      ),
    PANELS,
  );
  log(`${windowName}: ${JSON.stringify(Object.fromEntries(Object.entries(states).map(([id, s]) => [id, s.meta])))}`);
  return states;
}

describe("dashboard on a busy day", { timeout: 1_200_000 }, () => {
  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    pipeline = await startLocalPipeline({
      adminToken: ADMIN_TOKEN,
      workDir: WORK,
      producers: [],
      log,
      prepare: async (state) => {
        const started = Date.now();
        written = await writeBusyArchive(state);
        log(`wrote ${written.objects} archive objects in ${Math.round((Date.now() - started) / 1000)} s`);
      },
    });
    browser = await launchBrowser({ profile: join(WORK, "chromium-profile") });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on("pageerror", (error) => pageProblems.push(`page error: ${error.message}`));
    await page.addInitScript((token) => sessionStorage.setItem("do-tail.adminToken", token), ADMIN_TOKEN);
    await page.goto(`${pipeline.tailUrl}/`);
    await page.waitForSelector("#cards-panel[data-state='ready']");
  });

  after(async () => {
    if (page) await page.screenshot({ path: join(RESULTS, "dashboard-busy-last.png"), fullPage: true }).catch(() => {});
    await browser?.close();
    await pipeline?.stop();
  });

  for (const windowName of ["15m", "24h"]) {
    it(`answers every panel for the ${windowName} window, none in an error state`, async () => {
      assert.ok(written.objects > 50_000);
      const states = await refreshWindow(windowName);
      for (const [id, { state, message }] of Object.entries(states)) assert.equal(state, "ready", `${id}: ${message}`);
      assert.match(states["timeline-panel"].meta, /^[1-9][\d,]* events/, "the chart counts the events it drew");
      assert.ok((await page.locator("#types-panel .ranked li").count()) > 3, "top event types listed");
      assert.ok((await page.locator("#scripts-panel .ranked li").count()) > 3, "top scripts listed");
      assert.match(await page.textContent("#invocations-panel [data-stat='success-rate'] .stat-value"), /^\d+(\.\d)?%$/);
      assert.ok((await page.locator("#uptime-panel table tbody tr").count()) > 0, "monitors listed");
      assert.ok((await page.locator("#errors-panel .errors li").count()) > 0, "recent errors listed");
      if (windowName === "24h") {
        assert.match(states["types-panel"].meta, /sampled: [\d,]+ of [\d,]+ objects/, "a day is sampled, and says so");
        // The chart's counts come from the listing: only objects straddling the window's start are read.
        const response = await fetch(`${pipeline.tailUrl}/query`, {
          method: "POST",
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ from: "-24h", select: "counts", bucket: "15m" }),
        });
        const counts = await response.json();
        log(
          `24h counts: ${JSON.stringify({ scanned: counts.scanned, estimatedObjects: counts.estimatedObjects, listing: counts.listing })}`,
        );
        assert.ok(counts.scanned.objects < 100 && !counts.estimatedObjects, "counts read only edge objects");
      }
      await page.screenshot({ path: join(RESULTS, `dashboard-busy-${windowName}.png`), fullPage: true });
    });
  }

  it("had no script errors", () => {
    assert.deepEqual(pageProblems, []);
  });
});
