import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { standInDoTail, standInProducer } from "./lib/testing/stand-in-pipeline.mjs";
import { freePort, until } from "./lib/testing/wait.mjs";

// `npm run load` (scripts/load.mjs, run as a child) against a stand-in do-tail and producer: it must
// wait for a producer that is not listening or not connected yet, and say clearly why it gives up.

const LOAD = fileURLToPath(new URL("./load.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "load-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function runLoad(args) {
  const child = spawn(process.execPath, [LOAD, "--dev-state", join(dir, "absent.json"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const run = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => (run.stdout += chunk));
  child.stderr.on("data", (chunk) => (run.stderr += chunk));
  run.exit = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  return run;
}

describe("npm run load", () => {
  let tail;
  before(async () => {
    tail = await standInDoTail();
  });
  after(() => tail.close());

  it("waits for a producer that does not listen yet, then for its delivery, then sends and loses nothing", async () => {
    const port = await freePort();
    const load = runLoad([
      ...["--producer", `http://127.0.0.1:${port}`, "--url", tail.url],
      ...["--invocations", "20", "--events", "3", "--concurrency", "4", "--settle-seconds", "5", "--wait-seconds", "120"],
    ]);
    await until(() => load.stdout.includes("waiting up to 120 s"), "load to start waiting");
    // Up, but not yet connected to do-tail: what wrangler does in the seconds before "[connected]".
    const producer = await standInProducer({ tailUrl: tail.url, connected: false, port });
    await until(() => producer.requests >= 2, "two probe requests while not connected");
    producer.connected = true;
    try {
      assert.equal(await load.exit, 0, load.stderr);
      assert.deepEqual(
        producer.served.filter((r) => r.path === "/emit" && !r.connected),
        [],
        "no load request was sent before the producer delivered to do-tail",
      );
      assert.equal(producer.served.filter((r) => r.path === "/emit").length, 20);
      assert.match(load.stdout, /the producer delivers to do-tail \(probe arrived after [\d.]+ s\)/);
      assert.match(load.stdout, /missing\s+│\s+0/);
      const archived = tail.events.filter((e) => e.type === "load_test");
      assert.equal(archived.length, 60);
    } finally {
      await producer.close();
    }
  });

  it("gives up with a clear error and a non-zero exit when the producer never answers", async () => {
    const port = await freePort();
    const load = runLoad(["--producer", `http://127.0.0.1:${port}`, "--url", tail.url, "--wait-seconds", "1"]);
    assert.equal(await load.exit, 1);
    assert.match(
      load.stderr,
      new RegExp(
        `load: the producer did not answer at http://127\\.0\\.0\\.1:${port} within 1 s \\(ECONNREFUSED\\)\\. Start the pipeline with \`npm run dev\``,
      ),
    );
    assert.doesNotMatch(load.stdout, /invocations ×/, "nothing was sent");
  });

  it("gives up when the producer answers but its events never reach do-tail", async () => {
    const producer = await standInProducer({ tailUrl: tail.url, connected: false });
    try {
      const load = runLoad(["--producer", producer.url, "--url", tail.url, "--wait-seconds", "2"]);
      assert.equal(await load.exit, 1);
      assert.match(
        load.stderr,
        /answers, but none of its \d+ probe requests reached do-tail within 2 s: its tail events are being dropped/,
      );
      assert.match(load.stderr, /"do-tail \[connected\]"/);
    } finally {
      await producer.close();
    }
  });

  it("stops at once when `npm run dev` reports that the producer failed to start", async () => {
    const port = await freePort();
    const state = join(dir, "dev-pipeline.json");
    writeFileSync(
      state,
      JSON.stringify({
        pid: process.pid,
        workers: { "load-generator": { status: "failed", port, reason: `port ${port} is in use (EADDRINUSE on 127.0.0.1)` } },
      }),
    );
    const load = runLoad(["--producer", `http://127.0.0.1:${port}`, "--url", tail.url, "--wait-seconds", "600", "--dev-state", state]);
    assert.equal(await load.exit, 1);
    assert.match(load.stderr, new RegExp(`load: \`npm run dev\` reports that load-generator failed to start: port ${port} is in use`));
  });
});
