import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { ROOT, WRANGLER_BIN } from "../../../scripts/lib/wrangler.mjs";

/**
 * The local pipeline for browser tests: do-tail (with an admin token, fresh state, no timed flush)
 * and some producers, each in its own `wrangler dev`. Every process started here is in its own
 * process group and is stopped by `stop()`, or when this process exits or is interrupted. The
 * state lives in `<workDir>/state`, emptied before each start and removed by `stop()`.
 */
export const TAIL_PORT = 8788;
export const PRODUCERS = {
  "example-api": { config: "producers/example-api/wrangler.toml", port: 8790 },
  "uptime-monitor": { config: "producers/uptime-monitor/wrangler.toml", port: 8794 },
  // A Worker from outside producers/, connected the way a user connects theirs.
  "outside-producer": { config: "test/e2e/fixtures/outside-producer/wrangler.toml", port: 8796 },
};
const STARTUP_TIMEOUT_MS = 120_000;
const PORT_WAIT_MS = Number(process.env.E2E_PORT_WAIT_MS ?? 180_000);
// Two `wrangler dev` started at the same instant have failed with "Address already in use".
const STAGGER_MS = 3_000;

const started = new Set();
const stateDirs = new Set();
const killAll = () => {
  for (const child of started) killGroup(child, "SIGKILL");
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
};
process.on("exit", killAll);
// The wrangler processes have their own process groups, so Ctrl-C does not reach them: pass it on,
// give them a few seconds to stop cleanly (and leave the dev registry), then kill what is left.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(signal, async () => {
    const children = [...started];
    for (const child of children) killGroup(child, "SIGTERM");
    const exited = children.map((c) =>
      c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((resolve) => c.once("exit", resolve)),
    );
    await Promise.race([Promise.all(exited), sleep(5_000)]);
    process.exit(1);
  });
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function portAnswers(port, host) {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(1_000);
    const settle = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.once("connect", () => settle(true));
    socket.once("timeout", () => settle(false));
    socket.once("error", () => resolve(false));
  });
}

async function portBusy(port) {
  return (await portAnswers(port, "127.0.0.1")) || (await portAnswers(port, "::1"));
}

/** Waits while someone else's `npm run dev` holds the ports; never touches their processes. */
async function waitForFreePorts(ports, log) {
  const deadline = Date.now() + PORT_WAIT_MS;
  for (;;) {
    const busy = [];
    for (const port of ports) if (await portBusy(port)) busy.push(port);
    if (busy.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `port(s) ${busy.join(", ")} still in use after ${PORT_WAIT_MS / 1000} s: stop the other \`npm run dev\` (or wrangler dev) and run again`,
      );
    log(`port(s) ${busy.join(", ")} in use (another npm run dev?); waiting…`);
    await sleep(5_000);
  }
}

/** Starts `wrangler dev`; resolves once it prints "Ready on" (and every `waitFor` line was seen). */
function startWrangler(name, args, logDir, waitFor = []) {
  const out = createWriteStream(join(logDir, `${name}.log`));
  const child = spawn(process.execPath, [WRANGLER_BIN, "dev", ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  started.add(child);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  const ready = new Promise((resolve, reject) => {
    const pending = new Set(waitFor);
    let url;
    const timer = setTimeout(
      () => reject(new Error(`${name}: not ready after ${STARTUP_TIMEOUT_MS / 1000} s (see ${name}.log)`)),
      STARTUP_TIMEOUT_MS,
    );
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on("line", (raw) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes from wrangler's output
        const line = raw.replace(/\x1b\[[0-9;]*m/g, "");
        out.write(`${line}\n`);
        for (const text of pending) if (line.includes(text)) pending.delete(text);
        url ??= /Ready on (http:\/\/\S+)/.exec(line)?.[1];
        if (url && pending.size === 0) {
          clearTimeout(timer);
          resolve(url);
        }
      });
    }
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${name}: wrangler exited (${how}) before it was ready (see ${name}.log)`));
    });
  });
  return { name, child, ready, exited, out };
}

async function stopWrangler(proc) {
  if (proc.child.exitCode === null && proc.child.signalCode === null) {
    killGroup(proc.child, "SIGTERM");
    const done = await Promise.race([proc.exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!done) killGroup(proc.child, "SIGKILL");
  }
  // workerd children may outlive wrangler for a moment: the whole group gets a final SIGKILL.
  killGroup(proc.child, "SIGKILL");
  started.delete(proc.child);
  proc.out.end();
}

async function waitForHealth(url) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(500);
  }
  throw new Error(`${url}/health did not answer`);
}

/**
 * Starts do-tail, then each named producer; answers their URLs and `stop()`, which never throws.
 * `prepare(stateDir)` runs on the fresh state before any worker starts (to write fixtures into it).
 * `vars` are more do-tail settings (`--var NAME:value`), e.g. ALERT_RULES.
 */
export async function startLocalPipeline({ adminToken, workDir, producers = ["example-api"], vars = {}, log = console.log, prepare }) {
  const logDir = join(workDir, "logs");
  mkdirSync(logDir, { recursive: true });
  await waitForFreePorts([TAIL_PORT, ...producers.map((name) => PRODUCERS[name].port)], log);
  // Free ports mean no other run is using it: a state left by an interrupted run goes now.
  const state = join(workDir, "state");
  rmSync(state, { recursive: true, force: true });
  mkdirSync(state, { recursive: true });
  stateDirs.add(state);
  const procs = [];
  const stop = async () => {
    for (const proc of procs.reverse()) await stopWrangler(proc);
    rmSync(state, { recursive: true, force: true });
    stateDirs.delete(state);
  };
  try {
    await prepare?.(state);
    const tail = startWrangler(
      "do-tail",
      [
        "-c",
        "wrangler.tail.toml",
        "--port",
        String(TAIL_PORT),
        "--persist-to",
        state,
        "--var",
        "ENVIRONMENT:development",
        "--var",
        `ADMIN_TOKEN:${adminToken}`,
        "--var",
        "FLUSH_INTERVAL_SECONDS:3600",
        ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
      ],
      logDir,
    );
    procs.push(tail);
    const tailUrl = await tail.ready;
    await waitForHealth(tailUrl);
    const urls = {};
    for (const name of producers) {
      await sleep(STAGGER_MS);
      const { config, port } = PRODUCERS[name];
      const producer = startWrangler(name, ["-c", config, "--port", String(port), "--persist-to", state], logDir, ["do-tail [connected]"]);
      procs.push(producer);
      urls[name] = await producer.ready;
    }
    return { tailUrl, producers: urls, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
