import { DevRunner } from "./lib/dev-runner.mjs";
import { DevStateFile, readDevState } from "./lib/dev-state.mjs";
import { doTailClient } from "./lib/do-tail-client.mjs";
import { producerWorkers, ROOT, requireSupportedNode, TAIL_WORKER, WRANGLER_BIN } from "./lib/wrangler.mjs";

/**
 * `npm run dev`: the local pipeline. do-tail starts first, then every producer in producers/, each
 * in its own `wrangler dev`; the local dev registry connects their tail_consumers to do-tail.
 * What it knows is also written to .wrangler/dev-pipeline.json for `npm run load`.
 */
requireSupportedNode("scripts/dev.mjs");

const other = readDevState();
if (other) {
  console.error(
    `another \`npm run dev\` (pid ${other.pid}) is running from this checkout; stop it first (Ctrl-C in its terminal, or kill ${other.pid})`,
  );
  process.exit(1);
}

// Locally every NORMAL event is printed too (deployed, LOG_LEVEL defaults to warn).
const DEV_ARGS = { [TAIL_WORKER.name]: ["--var", "ENVIRONMENT:development", "--var", "LOG_LEVEL:info"] };

const runner = new DevRunner({
  tail: TAIL_WORKER,
  producers: producerWorkers(),
  command: (worker) => ({ command: process.execPath, args: [WRANGLER_BIN, "dev", "-c", worker.config, ...(DEV_ARGS[worker.name] ?? [])] }),
  clientFor: (url) => doTailClient(url),
  state: new DevStateFile(),
  cwd: ROOT,
});

process.on("SIGINT", () => runner.stop(0, "stopping (SIGINT)"));
process.on("SIGTERM", () => runner.stop(0, "stopping (SIGTERM)"));
// `kill <npm pid>` ends npm and its `sh -c` without passing the signal on to this process:
// stop when orphaned rather than leave the wrangler processes running.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && runner.stop(0, "parent process exited; stopping"), 1_000).unref();
void runner.start();
process.exit(await runner.done);
