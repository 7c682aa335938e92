import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PROBE_PATH, probeDelivery } from "./delivery-probe.mjs";
import { DoTailError, doTailClient } from "./do-tail-client.mjs";
import { standInDoTail, standInProducer } from "./testing/stand-in-pipeline.mjs";

// The end-to-end delivery probe against a stand-in do-tail and producers (`npm run test:cli`).

const FAST = { attemptMs: 200, pollMs: 50 };

describe("probeDelivery", () => {
  let tail;
  const producers = [];
  const producer = async (options) => {
    const p = await standInProducer({ tailUrl: tail.url, ...options });
    producers.push(p);
    return p;
  };
  before(async () => {
    tail = await standInDoTail();
  });
  after(async () => {
    for (const p of producers) await p.close();
    await tail.close();
  });

  it("sends a fresh request per attempt until one's event reaches do-tail", async () => {
    const late = await producer({ connected: false });
    const result = await probeDelivery({
      client: doTailClient(tail.url),
      producers: [{ name: "late", url: late.url }],
      timeoutMs: 60_000,
      ...FAST,
      // The first request is served while not connected: its event is dropped, as wrangler does.
      onAttempt: () => {
        late.connected = true;
      },
    });
    assert.deepEqual(
      result.delivered.map(({ name, attempts }) => ({ name, attempts })),
      [{ name: "late", attempts: 2 }],
    );
    assert.deepEqual(result.undelivered, []);
    assert.equal(late.requests, 2);
    assert.ok(tail.events.some((e) => e.data.url.includes(`${PROBE_PATH}?marker=`)));
  });

  it("names the producer whose events do not arrive, even while other events do", async () => {
    const ok = await producer({ connected: true });
    const dropped = await producer({ connected: false });
    // Someone else's traffic, and an older probe, arrive meanwhile: only this probe's marker counts.
    tail.events.push({ type: "invocation", data: { url: `${dropped.url}${PROBE_PATH}?marker=probe-old.1-dropped.1` } });
    const result = await probeDelivery({
      client: doTailClient(tail.url),
      producers: [
        { name: "ok", url: ok.url },
        { name: "dropped", url: dropped.url },
      ],
      timeoutMs: 1_000,
      ...FAST,
    });
    assert.deepEqual(
      result.delivered.map((d) => d.name),
      ["ok"],
    );
    assert.equal(result.undelivered.length, 1);
    assert.equal(result.undelivered[0].name, "dropped");
    assert.equal(result.undelivered[0].answered, true);
    assert.ok(result.undelivered[0].attempts >= 1);
  });

  it("says a producer that does not answer is not answering", async () => {
    const gone = await producer({});
    await gone.close();
    const result = await probeDelivery({
      client: doTailClient(tail.url),
      producers: [{ name: "gone", url: gone.url }],
      timeoutMs: 300,
      ...FAST,
    });
    assert.equal(result.undelivered[0].answered, false);
    assert.equal(result.undelivered[0].lastError, "ECONNREFUSED");
  });

  it("throws at once when /query is not authorised", async () => {
    const p = await producer({});
    const client = {
      query: async () => {
        throw new DoTailError("unauthorised", "POST /query: not authorised (401); pass --token or set DO_TAIL_TOKEN", 401);
      },
    };
    await assert.rejects(
      probeDelivery({ client, producers: [{ name: "p", url: p.url }], timeoutMs: 60_000, ...FAST }),
      (error) => error.kind === "unauthorised",
    );
  });
});
