import { createServer } from "node:http";

/**
 * Stand-ins for the tests of the local runner (`npm run test:cli`): a do-tail that keeps the events
 * posted to it and answers the routes the scripts use (/health, /stats, /query, /flush,
 * /archives), and a producer that, like a wrangler producer with tail_consumers, delivers each
 * request's invocation event (and /emit's load_test events) only while it is connected.
 */

/** Listens on `port` (0: any free one) at 127.0.0.1; answers `{ server, url, port, close }`. */
export async function listen(handler, port = 0) {
  const server = createServer(handler);
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const bound = server.address().port;
  return {
    server,
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

export async function standInDoTail(port = 0) {
  const events = [];
  const objects = new Map();
  let flushed = 0;
  const readBody = async (request) => {
    let text = "";
    for await (const chunk of request) text += chunk;
    return text ? JSON.parse(text) : undefined;
  };
  const answer = (response, status, body) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
  const http = await listen(async (request, response) => {
    const url = new URL(request.url, "http://x");
    const route = `${request.method} ${url.pathname}`;
    if (route === "POST /__tail") {
      events.push(...(await readBody(request)));
      return answer(response, 200, { ok: true });
    }
    if (route === "GET /health") return answer(response, 200, { status: "ok", service: "do-tail" });
    if (route === "GET /stats") return answer(response, 200, { counters: { received: events.length } });
    if (route === "POST /query") {
      const { where = [] } = await readBody(request);
      const rows = events.filter((event) => where.every((c) => holds(event, c)));
      return answer(response, 200, { rows, truncated: false });
    }
    if (route === "POST /flush") {
      const batch = events.slice(flushed);
      flushed = events.length;
      const key = `tail-events/${new Date().toISOString().slice(0, 10)}/importance-2/${objects.size}.json`;
      if (batch.length > 0) objects.set(key, batch);
      return answer(response, 200, { objects: batch.length > 0 ? [key] : [], events: batch.length, bytes: 0, errors: [] });
    }
    if (route === "GET /archives") {
      const prefix = url.searchParams.get("prefix") ?? "";
      const listed = [...objects.keys()]
        .filter((k) => k.startsWith(prefix))
        .map((key) => ({ key, size: 1, uploaded: new Date().toISOString() }));
      return answer(response, 200, { objects: listed, truncated: false });
    }
    if (request.method === "GET" && url.pathname.startsWith("/archives/")) {
      const key = decodeURI(url.pathname.slice("/archives/".length));
      return objects.has(key) ? answer(response, 200, objects.get(key)) : answer(response, 404, { error: { message: "no such key" } });
    }
    answer(response, 404, { error: { message: `no route ${route}` } });
  }, port);
  return { ...http, events };
}

function holds(event, { field, op, value }) {
  const actual = field.split(".").reduce((at, part) => at?.[part], event);
  if (op === "eq") return actual === value;
  if (op === "contains") return typeof actual === "string" && actual.toLowerCase().includes(String(value).toLowerCase());
  throw new Error(`stand-in do-tail: op ${op} not supported`);
}

/**
 * A producer delivering to `tailUrl` while `connected`. With `forwardFails` it delivers nothing and
 * calls `onForwardFailure()` instead, as wrangler logs "Failed to forward tail events". Both can be
 * set directly or by `POST /__control {connected, forwardFails}` (then `onControl` sees the change).
 */
export async function standInProducer({ tailUrl, connected = true, port = 0, onForwardFailure = () => {}, onControl = () => {} }) {
  // `served`: the path of every request and whether the producer was connected when it came.
  const producer = { connected, forwardFails: false, requests: 0, served: [], deliveryErrors: 0 };
  const http = await listen(async (request, response) => {
    const url = new URL(request.url, `http://${request.headers.host}`);
    if (url.pathname === "/__control") {
      let text = "";
      for await (const chunk of request) text += chunk;
      Object.assign(producer, JSON.parse(text));
      onControl(producer);
      response.end("{}");
      return;
    }
    producer.requests++;
    producer.served.push({ path: url.pathname, connected: producer.connected });
    const events = [{ type: "invocation", kind: "invocation", timestamp: Date.now(), data: { url: url.href } }];
    let status = 404;
    if (url.pathname === "/emit") {
      status = 200;
      const run = url.searchParams.get("run");
      const seq = Number(url.searchParams.get("seq"));
      for (let i = 0; i < Number(url.searchParams.get("events")); i++)
        events.push({ type: "load_test", kind: "log", timestamp: Date.now(), data: { _event: "load_test", run, seq, i } });
    }
    response.writeHead(status, { "content-type": "application/json" });
    response.end("{}");
    if (producer.forwardFails) onForwardFailure();
    else if (producer.connected)
      await fetch(`${tailUrl}/__tail`, { method: "POST", body: JSON.stringify(events) }).then(
        (r) => r.arrayBuffer(),
        () => producer.deliveryErrors++,
      );
  }, port);
  return Object.assign(producer, http);
}
