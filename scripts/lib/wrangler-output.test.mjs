import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LostDeliveries } from "./lost-deliveries.mjs";
import { portTaken } from "./port-check.mjs";
import { listen } from "./testing/stand-in-pipeline.mjs";
import { freePort } from "./testing/wait.mjs";
import { devPort } from "./wrangler.mjs";
import { addressInUse, errorMessage, forwardFailure, readyUrl, tailConsumerStatus } from "./wrangler-output.mjs";

// Lines as wrangler 4.164 printed them in this repo (colours included).
const ADDRESS_IN_USE =
  "\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1mAddress already in use (localhost:8790). Please check that you are not already running a server on this address or specify a different port with --port.\x1b[0m";
const FORWARD_FAILED = '[dev-registry] Failed to forward tail events to "do-tail": Network connection lost';

describe("wrangler output", () => {
  it("reads the ready URL", () => {
    assert.equal(readyUrl("\x1b[32m[wrangler:info]\x1b[0m Ready on http://localhost:8790"), "http://localhost:8790");
    assert.equal(readyUrl("⎔ Starting local server..."), undefined);
  });

  it("reads the tail consumer's connection status, coloured or not", () => {
    assert.deepEqual(tailConsumerStatus("- do-tail \x1b[32m[connected]\x1b[0m"), { service: "do-tail", connected: true });
    assert.deepEqual(tailConsumerStatus("- do-tail \x1b[31m[not connected]\x1b[0m"), { service: "do-tail", connected: false });
    assert.deepEqual(tailConsumerStatus("- do-tail (streaming) [connected]"), { service: "do-tail", connected: true });
    assert.equal(tailConsumerStatus("Service bindings … status indicated by [connected] or [not connected]. For more"), undefined);
  });

  it("reads a failed tail forward, quoted as miniflare prints it or not", () => {
    assert.deepEqual(forwardFailure(FORWARD_FAILED), { service: "do-tail", reason: "Network connection lost" });
    assert.deepEqual(forwardFailure("Failed to forward tail events to do-tail: Network connection lost"), {
      service: "do-tail",
      reason: "Network connection lost",
    });
    assert.equal(forwardFailure("[wrangler:info] GET /emit 200 OK (3ms)"), undefined);
  });

  it("reads the address and port wrangler could not bind, and its error message", () => {
    assert.deepEqual(addressInUse(ADDRESS_IN_USE), { address: "localhost:8790", port: 8790 });
    assert.equal(addressInUse("Ready on http://localhost:8790"), undefined);
    assert.match(errorMessage(ADDRESS_IN_USE), /^Address already in use \(localhost:8790\)\. Please check/);
    assert.equal(errorMessage("[wrangler:warn] Unable to fetch the `Request.cf` object!"), undefined);
  });

  it("reads a config's [dev] port", () => {
    assert.equal(devPort("wrangler.tail.toml"), 8788);
    assert.equal(devPort("producers/load-generator/wrangler.toml"), 8795);
  });
});

describe("portTaken", () => {
  it("answers who holds a port and nothing for a free one", async () => {
    const held = await listen(() => {});
    try {
      assert.deepEqual(await portTaken(held.port), { host: "127.0.0.1", code: "EADDRINUSE" });
    } finally {
      await held.close();
    }
    assert.equal(await portTaken(await freePort()), undefined);
  });
});

describe("LostDeliveries", () => {
  it("counts every lost delivery per producer, in each warning and in the summary", () => {
    const lost = new LostDeliveries();
    assert.match(lost.summary(), /^no tail deliveries were lost/);
    const reason = { service: "do-tail", reason: "Network connection lost" };
    assert.match(lost.record("example-api", reason), /^LOST TAIL EVENTS #1: example-api .*Lost so far: 1 delivery \(example-api 1\)$/);
    lost.record("load-generator", reason);
    assert.match(lost.record("example-api", reason), /#3: .*Lost so far: 3 deliveries \(example-api 2, load-generator 1\)$/);
    assert.equal(lost.of("example-api"), 2);
    assert.match(lost.summary(), /^LOST TAIL EVENTS: 3 deliveries \(example-api 2, load-generator 1\)/);
  });
});
