import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { liveUrl, parseLiveArgs, runLive } from "./live-command.mjs";
import { ROOT } from "./wrangler.mjs";
import { liveStandIn } from "./ws-stand-in.mjs";

// The live CLI against a stand-in do-tail (`npm run test:cli`); the e2e run (test/e2e/live.e2e.mjs)
// runs it against a real local do-tail.
const EVENT = (id, type = "ws_message") => ({ id, type, importance: 1, timestamp: 1, script: null, data: { playerId: "abc123" } });

function capture() {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (c) => (stdout += c));
  err.on("data", (c) => (stderr += c));
  const ids = () =>
    stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).id);
  return { out, err, stdout: () => stdout, stderr: () => stderr, ids };
}

describe("live CLI", () => {
  it("sends the flags as the stream's filter and the ticket as a subprotocol, prints NDJSON and acknowledges", async () => {
    const seen = [];
    const standIn = await liveStandIn({
      onConnection: async (c) => {
        seen.push(c);
        await c.until((m) => m.some((x) => x.type === "subscribe"));
        c.send({ type: "subscribed", stream: "s1", filter: {}, buffer: 1000, samples: 0, shards: { ready: 1, total: 1 } });
        c.send({ type: "events", ack: { events: 2, bytes: 100 }, events: [EVENT("a"), EVENT("b")] });
        await c.until((m) => m.some((x) => x.type === "ack"));
        c.send({ type: "skipped", count: 7 });
        c.send({ type: "events", ack: { events: 3, bytes: 150 }, events: [EVENT("c")] });
      },
    });
    const io = capture();
    const status = await runLive(
      ["--url", standIn.url, "--token", "tok-123", "--type", "ws_*", "--where", "playerId=abc123", "--importance", "HIGH", "--limit", "3"],
      io,
    );
    await standIn.close();
    assert.equal(status, 0);
    assert.deepEqual(io.ids(), ["a", "b", "c"]);
    assert.deepEqual(seen[0].protocols, ["do-tail.live.v1", "ticket.t1"]);
    assert.equal(standIn.tickets[0].authorization, "Bearer tok-123");
    assert.deepEqual(seen[0].messages[0], {
      type: "subscribe",
      filter: { type: ["ws_*"], importance: ["HIGH"], where: ["playerId=abc123"] },
    });
    assert.deepEqual(
      seen[0].messages.find((m) => m.type === "ack"),
      { type: "ack", ack: { events: 2, bytes: 100 } },
    );
    assert.match(io.stderr(), /7 events skipped/);
  });

  it("reconnects with backoff and a fresh ticket when the connection drops, and keeps printing", async () => {
    let connections = 0;
    const standIn = await liveStandIn({
      onConnection: async (c) => {
        connections++;
        await c.until((m) => m.some((x) => x.type === "subscribe"));
        c.send({ type: "subscribed", stream: `s${connections}`, filter: {}, buffer: 1000, samples: 0, shards: { ready: 1, total: 1 } });
        c.send({ type: "events", ack: { events: 1, bytes: 10 }, events: [EVENT(`e${connections}`)] });
        if (connections === 1) setTimeout(() => c.drop(), 50);
      },
    });
    const io = capture();
    const status = await runLive(["--url", standIn.url, "--limit", "2"], io);
    await standIn.close();
    assert.equal(status, 0);
    assert.deepEqual(io.ids(), ["e1", "e2"]);
    assert.equal(standIn.tickets.length, 2, "one ticket per connection: a ticket opens one stream");
    assert.match(io.stderr(), /reconnecting in \d/);
  });

  it("exits 2 when do-tail refuses the filter, and 1 when the token is refused", async () => {
    const refusing = await liveStandIn({
      onConnection: async (c) => {
        await c.until((m) => m.length > 0);
        c.send({ type: "error", message: 'filter.importance[0]: "URGENT" is not 0-3' });
      },
    });
    const io = capture();
    assert.equal(await runLive(["--url", refusing.url, "--importance", "URGENT"], io), 2);
    assert.match(io.stderr(), /do-tail refused: filter\.importance/);
    await refusing.close();

    const locked = await liveStandIn({ onConnection: () => {}, ticketStatus: 401 });
    const io2 = capture();
    assert.equal(await runLive(["--url", locked.url], io2), 1);
    assert.match(io2.stderr(), /not authorised/);
    await locked.close();
  });

  it("ends cleanly on Ctrl-C: a normal close (1000) and exit status 0", async () => {
    let connection;
    const standIn = await liveStandIn({
      onConnection: async (c) => {
        connection = c;
        await c.until((m) => m.some((x) => x.type === "subscribe"));
        c.send({ type: "subscribed", stream: "s1", filter: {}, buffer: 1000, samples: 0, shards: { ready: 1, total: 1 } });
        c.send({ type: "events", ack: { events: 1, bytes: 10 }, events: [EVENT("first")] });
      },
    });
    const child = spawn(process.execPath, [join(ROOT, "scripts", "archives.mjs"), "live", "--url", standIn.url], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (c) => (stdout += c));
    while (!stdout.includes('"first"')) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGINT");
    const code = await new Promise((resolve) => child.on("exit", resolve));
    await connection.until(() => false);
    await standIn.close();
    assert.equal(code, 0);
    assert.equal(connection.closeCode, 1000);
  });

  it("checks its arguments", () => {
    assert.throws(() => parseLiveArgs(["--buffer", "0"]), /--buffer must be a whole number of at least 1/);
    assert.throws(() => parseLiveArgs(["--url", "nope"]), /is not a URL/);
    assert.throws(() => parseLiveArgs(["--colour", "red"]), /Unknown option/);
    assert.deepEqual(parseLiveArgs(["--type", "a", "--type", "b"]).filter, { type: ["a", "b"] });
    assert.equal(liveUrl("https://do-tail.example.workers.dev"), "wss://do-tail.example.workers.dev/live");
    assert.equal(liveUrl("http://localhost:8788"), "ws://localhost:8788/live");
  });
});
