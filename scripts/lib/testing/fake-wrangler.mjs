import { standInDoTail, standInProducer } from "./stand-in-pipeline.mjs";

/**
 * A stand-in for `wrangler dev` in the dev runner's tests: prints what wrangler prints (bindings
 * status, "Ready on", "Address already in use", "Failed to forward tail events") around a
 * stand-in do-tail or producer. Its one argument is JSON:
 * `{ role: "tail"|"producer", port, tailUrl?, connected?, fail?, exitAfterReadyMs?, neverReady? }`.
 */
const options = JSON.parse(process.argv[2]);
const status = (connected) => `- do-tail \x1b[${connected ? 32 : 31}m[${connected ? "connected" : "not connected"}]\x1b[0m`;

if (options.fail) {
  console.error(`\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1m${options.fail}\x1b[0m`);
  process.exit(1);
}
console.log("⎔ Starting local server...");
if (options.neverReady) setInterval(() => {}, 60_000);
else await serve();

async function serve() {
  const printStatus = (connected) => {
    console.log("Your Worker is sending Tail events to the following Workers:");
    console.log(status(connected));
  };
  if (options.role === "producer") printStatus(options.connected ?? true);
  let server;
  try {
    server =
      options.role === "tail"
        ? await standInDoTail(options.port)
        : await standInProducer({
            tailUrl: options.tailUrl,
            connected: options.connected ?? true,
            port: options.port,
            onForwardFailure: () => console.warn('[dev-registry] Failed to forward tail events to "do-tail": Network connection lost'),
            onControl: (producer) => printStatus(producer.connected),
          });
  } catch (error) {
    if (error.code !== "EADDRINUSE") throw error;
    console.error(
      `✘ [ERROR] Address already in use (localhost:${options.port}). Please check that you are not already running a server on this address or specify a different port with --port.`,
    );
    process.exit(1);
  }
  console.log(`\x1b[32m[wrangler:info]\x1b[0m Ready on ${server.url}`);
  if (options.exitAfterReadyMs !== undefined) setTimeout(() => process.exit(3), options.exitAfterReadyMs);
}
