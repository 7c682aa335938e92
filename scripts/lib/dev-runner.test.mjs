import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { DevRunner } from "./dev-runner.mjs";
import { DevStateFile, readDevState } from "./dev-state.mjs";
import { doTailClient } from "./do-tail-client.mjs";
import { listen } from "./testing/stand-in-pipeline.mjs";
import { freePort, textSink, until } from "./testing/wait.mjs";

// `npm run dev`'s runner with stand-in wrangler processes (testing/fake-wrangler.mjs): real child
// processes, ports and HTTP, wrangler's own lines; only the Workers are stand-ins.

const FAKE_WRANGLER = fileURLToPath(new URL("./testing/fake-wrangler.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "dev-runner-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Starts a runner over stand-ins; `producers` maps a name to its fake-wrangler options. */
async function startDev(producers, options = {}) {
  const tail = { name: "do-tail", port: await freePort() };
  const tailUrl = `http://127.0.0.1:${tail.port}`;
  const workers = [];
  for (const [name, fake] of Object.entries(producers)) workers.push({ name, port: fake.port ?? (await freePort()), fake });
  const stdout = textSink();
  const stderr = textSink();
  const stateFile = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  const runner = new DevRunner({
    tail,
    producers: workers,
    command: (worker) => ({
      command: process.execPath,
      args: [FAKE_WRANGLER, JSON.stringify({ role: worker === tail ? "tail" : "producer", port: worker.port, tailUrl, ...worker.fake })],
    }),
    clientFor: (url) => doTailClient(url),
    state: new DevStateFile(stateFile),
    stdout,
    stderr,
    staggerMs: 0,
    stopGraceMs: 2_000,
    probeAttemptMs: 300,
    probePollMs: 50,
    probeTimeoutMs: 30_000,
    ...options,
  });
  await runner.start();
  const urlOf = (name) => `http://127.0.0.1:${workers.find((w) => w.name === name).port}`;
  const stop = async () => {
    runner.stop(0, "test over");
    return runner.done;
  };
  return { runner, stdout, stderr, stateFile, tailUrl, urlOf, stop };
}

const answers = (url) =>
  fetch(url).then(
    async (r) => {
      await r.arrayBuffer();
      return true;
    },
    () => false,
  );

describe("DevRunner", () => {
  it("reports a producer that cannot start (port in use) with its reason and port; do-tail and the others keep running", async () => {
    const squatter = await listen((_, response) => response.end("not a worker"));
    const wranglerPort = await freePort();
    const dev = await startDev({
      alpha: {},
      // Its port is taken before it starts: found before wrangler is even run.
      beta: { port: squatter.port },
      // wrangler itself fails to bind (a race the check cannot see): its message is read.
      gamma: {
        port: wranglerPort,
        fail: `Address already in use (localhost:${wranglerPort}). Please check that you are not already running a server on this address or specify a different port with --port.`,
      },
      delta: {},
    });
    try {
      assert.match(
        dev.stderr.text,
        new RegExp(
          `beta failed to start: port ${squatter.port} is in use \\(EADDRINUSE on 127\\.0\\.0\\.1\\).*do-tail and the other producers keep running`,
        ),
      );
      assert.match(
        dev.stderr.text,
        new RegExp(
          `gamma failed to start: port ${wranglerPort} is in use \\(localhost:${wranglerPort}\\) \\(wrangler exited with code 1\\)`,
        ),
      );
      assert.ok(await answers(`${dev.tailUrl}/health`), "do-tail still answers");
      assert.ok(await answers(dev.urlOf("alpha")), "alpha still answers");
      assert.ok(await answers(dev.urlOf("delta")), "delta, started after the failures, answers");
      assert.match(dev.stderr.text, /PIPELINE READY for 2 of 4 producers .*; failed to start: beta, gamma/);
      const state = readDevState(dev.stateFile);
      assert.equal(state.workers.beta.status, "failed");
      assert.match(state.workers.beta.reason, new RegExp(`^port ${squatter.port} is in use`));
      assert.equal(state.workers.alpha.status, "up");
      assert.equal(state.pipeline, "degraded");
    } finally {
      assert.equal(await dev.stop(), 0);
      await squatter.close();
    }
    assert.equal(readDevState(dev.stateFile), undefined, "the state file goes with dev");
  });

  it("reports a producer that exits later and keeps the rest; stops everything when do-tail exits", async () => {
    const dev = await startDev({ alpha: { exitAfterReadyMs: 0 }, beta: {} });
    try {
      await until(() => dev.stderr.text.includes("alpha exited with code 3"), "alpha's exit to be reported");
      assert.match(dev.stderr.text, /!! alpha exited with code 3; do-tail and the other producers keep running\./);
      assert.ok(await answers(`${dev.tailUrl}/health`), "do-tail still answers");
      assert.ok(await answers(dev.urlOf("beta")), "beta still answers");
      assert.equal(readDevState(dev.stateFile).workers.alpha.status, "exited");
    } finally {
      await dev.stop();
    }

    const stdout = textSink();
    const runner = new DevRunner({
      tail: { name: "do-tail", port: await freePort() },
      producers: [],
      command: (worker) => ({
        command: process.execPath,
        args: [FAKE_WRANGLER, JSON.stringify({ role: "tail", port: worker.port, exitAfterReadyMs: 500 })],
      }),
      clientFor: (url) => doTailClient(url),
      state: new DevStateFile(join(dir, "tail-exits.json")),
      stdout,
      stderr: textSink(),
      probeTimeoutMs: 1_000,
    });
    await runner.start();
    assert.equal(await runner.done, 1);
    assert.match(stdout.text, /do-tail exited with code 3; stopping the producers: their tail events have nowhere to go/);
  });

  it("stops a producer that never gets ready and reports it; the others keep running", async () => {
    const dev = await startDev({ alpha: { neverReady: true }, beta: {} }, { startupTimeoutMs: 1_000 });
    try {
      assert.match(
        dev.stderr.text,
        /!! alpha failed to start: not ready after 1 s \(wrangler stopped by SIGTERM\)\. do-tail and the other producers keep running\./,
      );
      assert.match(dev.stderr.text, /PIPELINE READY for 1 of 2 producers \(probe arrived: beta [\d.]+ s\); failed to start: alpha/);
      assert.ok(await answers(dev.urlOf("beta")), "beta answers");
    } finally {
      await dev.stop();
    }
  });

  it("stops everything when do-tail itself cannot start", async () => {
    const squatter = await listen(() => {});
    const stdout = textSink();
    const runner = new DevRunner({
      tail: { name: "do-tail", port: squatter.port },
      producers: [{ name: "alpha", port: await freePort() }],
      command: () => assert.fail("nothing should be run"),
      clientFor: (url) => doTailClient(url),
      state: new DevStateFile(join(dir, "tail-fails.json")),
      stdout,
      stderr: textSink(),
    });
    await runner.start();
    assert.equal(await runner.done, 1);
    assert.match(stdout.text, new RegExp(`do-tail failed to start: port ${squatter.port} is in use`));
    await squatter.close();
  });

  it("says the pipeline is ready only once each producer's probe event reached do-tail", async () => {
    const dev = await startDev({ alpha: {}, beta: {} });
    try {
      assert.match(
        dev.stdout.text,
        /PIPELINE READY: do-tail receives the tail events of every producer \(probe arrived: alpha [\d.]+ s, beta [\d.]+ s\)/,
      );
      const probes = (await doTailClient(dev.tailUrl).query({ where: [{ field: "data.url", op: "contains", value: "do-tail-probe" }] }))
        .rows;
      assert.deepEqual(
        new Set(probes.map((e) => new URL(e.data.url).port)),
        new Set([new URL(dev.urlOf("alpha")).port, new URL(dev.urlOf("beta")).port]),
      );
      assert.equal(readDevState(dev.stateFile).pipeline, "ready");
    } finally {
      await dev.stop();
    }
  });

  it("names a producer that is not connected, and says so again once it delivers", async () => {
    const dev = await startDev({ alpha: {}, beta: { connected: false } }, { probeTimeoutMs: 2_000 });
    try {
      assert.doesNotMatch(dev.stdout.text, /PIPELINE READY:/);
      assert.match(dev.stderr.text, /beta says "do-tail \[not connected\]": wrangler drops its tail events until it connects/);
      assert.match(
        dev.stderr.text,
        /beta is NOT delivering to do-tail: none of its \d+ probe requests reached do-tail in 2 s \(wrangler says "do-tail \[not connected\]"\); its tail events are being dropped/,
      );
      assert.match(dev.stderr.text, /PIPELINE READY for 1 of 2 producers .*; not delivering: beta/);
      assert.equal(readDevState(dev.stateFile).workers.beta.tailConsumer, "not connected");

      await fetch(`${dev.urlOf("beta")}/__control`, { method: "POST", body: JSON.stringify({ connected: true }) });
      await until(() => dev.stdout.text.includes("beta now delivers to do-tail"), "beta's re-probe");
      assert.match(dev.stdout.text, /beta: wrangler now says "do-tail \[connected\]"/);
      assert.equal(readDevState(dev.stateFile).pipeline, "ready");
    } finally {
      await dev.stop();
    }
  });

  it("turns every failed tail forward into a loud, counted warning and sums them up on exit", async () => {
    const dev = await startDev({ alpha: {}, beta: {} });
    await fetch(`${dev.urlOf("alpha")}/__control`, { method: "POST", body: JSON.stringify({ forwardFails: true }) });
    for (let i = 0; i < 3; i++) await fetch(`${dev.urlOf("alpha")}/orders`).then((r) => r.arrayBuffer());
    await until(() => dev.stderr.text.includes("LOST TAIL EVENTS #3"), "the third warning");
    assert.match(
      dev.stderr.text,
      /!! LOST TAIL EVENTS #1: alpha could not forward an invocation's tail events to do-tail \(Network connection lost\)/,
    );
    assert.match(dev.stderr.text, /LOST TAIL EVENTS #3: .*Lost so far: 3 deliveries \(alpha 3\)/);
    const state = readDevState(dev.stateFile);
    assert.equal(state.lostDeliveries, 3);
    assert.equal(state.workers.alpha.lostDeliveries, 3);
    await dev.stop();
    assert.match(dev.stderr.text, /!! LOST TAIL EVENTS: 3 deliveries \(alpha 3\); those invocations' events are not in the archive/);
  });
});
