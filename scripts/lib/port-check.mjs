import { createServer } from "node:net";

/**
 * Whether something already listens on `port` at a loopback address `wrangler dev` would bind
 * ("localhost": 127.0.0.1 or ::1). Answers undefined when the port is free, else
 * `{ host, code }` (EADDRINUSE, EACCES). A host this machine does not have (no IPv6) is skipped.
 */
export async function portTaken(port, hosts = ["127.0.0.1", "::1"]) {
  for (const host of hosts) {
    const code = await tryListen(port, host);
    if (code === "EADDRINUSE" || code === "EACCES") return { host, code };
  }
  return undefined;
}

function tryListen(port, host) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error) => resolve(error.code ?? error.message));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}
