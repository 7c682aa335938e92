import { createServer } from "node:net";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

/** Resolves once `predicate()` holds; fails after `timeoutMs` naming `what` (a bound, not a speed check). */
export async function until(predicate, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A port nothing listens on right now. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A writable that keeps what is written to it in `.text`. */
export function textSink() {
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      sink.text += chunk;
      callback();
    },
  });
  sink.text = "";
  return sink;
}
