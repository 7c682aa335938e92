import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { DoTailError, doTailClient } from "./do-tail-client.mjs";
import { runLoad } from "./load-run.mjs";

// The client against a stand-in do-tail (`npm run test:cli`): /flush answers 502 with its report
// when a shard failed to flush, and that report has to reach `npm run load`.

const FAILED_FLUSH = {
  objects: ["tail-events/2030-01-02/importance-2/10-00-a.json"],
  events: 3,
  bytes: 120,
  errors: ["shard 1: NORMAL: R2 put failed"],
};

/** A server answering `routes[METHOD path]` ({ status, body }) and 404 for anything else. */
async function standIn(routes) {
  const server = createServer((request, response) => {
    const path = new URL(request.url, "http://x").pathname;
    const route = routes[`${request.method} ${path}`];
    const answer = typeof route === "function" ? route(request) : (route ?? { status: 404, body: { error: { message: "no route" } } });
    response.writeHead(answer.status, { "content-type": "application/json" });
    response.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("doTailClient", () => {
  let server;
  let answers;
  before(async () => {
    server = await standIn({ "POST /flush": () => answers.flush, "GET /stats": () => answers.stats });
  });
  after(() => server.close());

  it("answers the report of a flush that failed (502) instead of throwing", async () => {
    answers = { flush: { status: 502, body: FAILED_FLUSH } };
    assert.deepEqual(await doTailClient(server.url).flush(), FAILED_FLUSH);
  });

  it("still throws for a 502 without a report, another status, or another call", async () => {
    const throwsHttp = (promise, status) =>
      assert.rejects(promise, (error) => error instanceof DoTailError && error.kind === "http" && error.status === status);
    const client = doTailClient(server.url);
    answers = { flush: { status: 502, body: "<html>Bad gateway</html>" } };
    await throwsHttp(client.flush(), 502);
    answers = { flush: { status: 502, body: { error: { message: "upstream" } } } };
    await throwsHttp(client.flush(), 502);
    answers = { flush: { status: 500, body: FAILED_FLUSH } };
    await throwsHttp(client.flush(), 500);
    answers = { stats: { status: 502, body: FAILED_FLUSH } };
    await throwsHttp(client.stats(), 502);
  });
});

describe("runLoad", () => {
  it("reports the errors of a flush that failed", async () => {
    let received = 0;
    const perInvocation = 2;
    const doTail = await standIn({
      "GET /stats": () => ({ status: 200, body: { counters: { received } } }),
      "POST /flush": { status: 502, body: FAILED_FLUSH },
      "GET /archives": { status: 200, body: { objects: [], truncated: false } },
    });
    // Every invocation is received as its events plus its invocation event.
    const producer = await standIn({
      "GET /emit": () => {
        received += perInvocation + 1;
        return { status: 200, body: {} };
      },
    });
    try {
      const result = await runLoad({
        client: doTailClient(doTail.url),
        producer: producer.url,
        invocations: 3,
        perInvocation,
        concurrency: 1,
        settleSeconds: 1,
      });
      assert.deepEqual(result.flushErrors, FAILED_FLUSH.errors);
    } finally {
      await Promise.all([doTail.close(), producer.close()]);
    }
  });
});
