import { setTimeout as sleep } from "node:timers/promises";
import { spawnPrefixed } from "./lib/prefixed-process.mjs";
import { producerWorkers, ROOT, requireSupportedNode, TAIL_WORKER, WRANGLER_BIN } from "./lib/wrangler.mjs";

/**
 * `npm run dev`: the local pipeline. do-tail starts first, then every producer in producers/, each
 * in its own `wrangler dev`; the local dev registry connects their tail_consumers to do-tail.
 */
requireSupportedNode("scripts/dev.mjs");

const STARTUP_TIMEOUT_MS = 120_000;
// Two `wrangler dev` started at the same instant have failed with "Address already in use".
const STAGGER_MS = 3_000;
const STOP_GRACE_MS = 10_000;

const producers = producerWorkers();
const width = Math.max("dev".length, TAIL_WORKER.name.length, ...producers.map((p) => p.name.length));
const running = new Set();
let stopping = false;
let exitCode = 0;

const log = (message) => console.log(`${"dev".padEnd(width)} | ${message}`);
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes from wrangler's output
const stripAnsi = (text) => text.replace(/\x1b\[[0-9;]*m/g, "");

/** Starts `wrangler dev` for one worker; resolves with its URL once wrangler says it is ready. */
function startWorker(worker, extraArgs = []) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after ${STARTUP_TIMEOUT_MS / 1000} s`)), STARTUP_TIMEOUT_MS);
    const child = spawnPrefixed(worker.name, process.execPath, [WRANGLER_BIN, "dev", "-c", worker.config, ...extraArgs], {
      cwd: ROOT,
      width,
      onLine: (line) => {
        const ready = /Ready on (http:\/\/\S+)/.exec(stripAnsi(line));
        if (ready) {
          clearTimeout(timer);
          resolve(ready[1]);
        }
      },
    });
    running.add(child);
    const exited = (how) => {
      running.delete(child);
      clearTimeout(timer);
      reject(new Error(`wrangler exited (${how})`));
      if (!stopping) stop(1, `${worker.name} exited (${how}); stopping the others`);
      else if (running.size === 0) process.exit(exitCode);
    };
    child.on("error", (error) => exited(error.message));
    child.on("exit", (code, signal) => exited(signal ?? `code ${code}`));
  });
}

async function waitForHealth(url) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!stopping && Date.now() < deadline) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(500);
  }
  throw new Error(`${url}/health did not answer`);
}

function stop(code, reason) {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  log(reason);
  if (running.size === 0) process.exit(exitCode);
  for (const child of running) child.kill("SIGTERM");
  setTimeout(() => {
    for (const child of running) child.kill("SIGKILL");
  }, STOP_GRACE_MS).unref();
}

function printBanner(urls) {
  const [, tailUrl] = urls[0];
  log("all workers are up:");
  for (const [name, url] of urls) log(`  ${name.padEnd(width)}  ${url}`);
  log("try:");
  log(`  curl ${tailUrl}/stats`);
  log(`  curl -X POST ${tailUrl}/test-events`);
  log(`  curl -X POST ${tailUrl}/flush`);
  log(`  curl ${tailUrl}/archives`);
  log("Ctrl-C stops everything.");
}

async function main() {
  log(`starting ${TAIL_WORKER.name}, then ${producers.map((p) => p.name).join(", ") || "no producers"}`);
  const urls = [];
  try {
    const tailUrl = await startWorker(TAIL_WORKER, ["--var", "ENVIRONMENT:development"]);
    await waitForHealth(tailUrl);
    urls.push([TAIL_WORKER.name, tailUrl]);
  } catch (error) {
    return stop(1, `${TAIL_WORKER.name} failed to start: ${error.message}`);
  }
  for (const producer of producers) {
    await sleep(STAGGER_MS);
    if (stopping) return;
    try {
      urls.push([producer.name, await startWorker(producer)]);
    } catch (error) {
      return stop(1, `${producer.name} failed to start: ${error.message}`);
    }
  }
  printBanner(urls);
}

process.on("SIGINT", () => stop(0, "stopping (SIGINT)"));
process.on("SIGTERM", () => stop(0, "stopping (SIGTERM)"));
// `kill <npm pid>` ends npm and its `sh -c` without passing the signal on to this process:
// stop when orphaned rather than leave the wrangler processes running.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop(0, "parent process exited; stopping"), 1_000).unref();
void main();
