import { createServer } from "node:http";

/**
 * A loopback HTTP server for an engine that runs beside workerd in a vitest global setup: each
 * POST body is JSON, `routes[path](body)` answers it (an error answers 400 with its message), and
 * requests run one after another, since an engine session serves one at a time.
 */
export async function serveJson(routes) {
  let queue = Promise.resolve();
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      queue = queue.then(async () => {
        let status = 200;
        let answer;
        try {
          const route = routes[request.url];
          if (route) answer = await route(JSON.parse(Buffer.concat(chunks).toString("utf8")));
          else [status, answer] = [404, { error: `no route ${request.url}` }];
        } catch (error) {
          [status, answer] = [400, { error: String(error?.message ?? error) }];
        }
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(answer));
      });
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
