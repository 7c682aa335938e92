import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { BENCH_NOTES } from "./lib/bench-notes.mjs";
import { benchTable, machineLine } from "./lib/bench-report.mjs";
import { doTailClient } from "./lib/do-tail-client.mjs";
import { runLoad } from "./lib/load-run.mjs";
import { workerdRss } from "./lib/process-memory.mjs";
import { ROOT, requireSupportedNode, WRANGLER_BIN } from "./lib/wrangler.mjs";

/**
 * `npm run bench`: runs the workerd benchmarks (bench/*.bench.ts), samples the runtime's memory
 * during the 100 MB flush, drives the local pipeline end to end, then prints one table and writes
 * it to docs/BENCHMARKS.md with the date and machine.
 */
requireSupportedNode("scripts/bench.mjs");
const { values: args } = parseArgs({
  options: { "e2e-invocations": { type: "string", default: "2000" }, "skip-e2e": { type: "boolean", default: false } },
});

const VITEST_BIN = join(createRequire(import.meta.url).resolve("vitest/package.json"), "..", "vitest.mjs");

async function workerdBenchmarks() {
  const results = {};
  const memory = {};
  const child = spawn(process.execPath, [VITEST_BIN, "run", "-c", "bench/vitest.config.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let sampling;
  const sampler = setInterval(() => {
    if (sampling) sampling.peak = Math.max(sampling.peak, workerdRss(child.pid));
  }, 20);
  let pending = "";
  child.stdout.on("data", (chunk) => {
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop();
    for (const line of lines) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes from wrangler's output
      const plain = line.replace(/\x1b\[[0-9;]*m/g, "");
      const flush = /(?:FLUSH|MEMORY)_(START|END) (\S+)/.exec(plain);
      if (flush?.[1] === "START") {
        const before = workerdRss(child.pid);
        sampling = memory[flush[2]] = { before, peak: before };
      } else if (flush?.[1] === "END") {
        sampling = undefined;
      } else if (plain.startsWith("BENCH_RESULT ")) {
        const result = JSON.parse(plain.slice("BENCH_RESULT ".length));
        results[result.name] = result;
      } else if (/✓|×|Test Files|Tests /.test(plain)) {
        console.log(plain);
      }
    }
  });
  const code = await new Promise((resolve) => child.on("exit", resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`the workerd benchmarks failed (vitest exited ${code})`);
  return { ...results, memory };
}

/** Starts do-tail and the load generator where they do not answer yet; answers a stop function. */
async function localPipeline() {
  const answers = (url) =>
    fetch(url).then(
      () => true,
      () => false,
    );
  const workers = [
    { config: "wrangler.tail.toml", extra: ["--var", "ENVIRONMENT:development"], url: "http://localhost:8788/health" },
    { config: "producers/load-generator/wrangler.toml", extra: [], url: "http://localhost:8795/" },
  ];
  const started = [];
  // Each wrangler leads its own process group (detached), so the group is signalled: wrangler and
  // its workerd. One that exited already (ESRCH) must not keep the others from being stopped.
  const stop = () => {
    for (const child of started) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch (error) {
        if (error.code !== "ESRCH") throw error;
      }
    }
  };
  try {
    for (const worker of workers) {
      if (await answers(worker.url)) continue;
      started.push(
        spawn(process.execPath, [WRANGLER_BIN, "dev", "-c", worker.config, ...worker.extra], {
          cwd: ROOT,
          stdio: "ignore",
          detached: true,
        }),
      );
      const deadline = Date.now() + 120_000;
      while (!(await answers(worker.url))) {
        if (Date.now() > deadline) throw new Error(`${worker.config} did not start`);
        await sleep(500);
      }
      // Started a few seconds apart, and the dev registry connects tail consumers a moment later.
      await sleep(3000);
    }
  } catch (error) {
    // The caller gets no stop function when starting fails, and detached processes outlive this
    // script: stop here whatever was started.
    stop();
    throw error;
  }
  return stop;
}

const workerd = await workerdBenchmarks();
let e2e;
if (!args["skip-e2e"]) {
  const stop = await localPipeline();
  try {
    e2e = await runLoad({
      client: doTailClient("http://localhost:8788"),
      producer: "http://localhost:8795",
      invocations: Number(args["e2e-invocations"]),
      perInvocation: 10,
      concurrency: 16,
      settleSeconds: 15,
    });
  } finally {
    stop();
  }
}

const table = benchTable({
  tail: workerd.tail_cpu,
  collector: workerd.collector,
  live: workerd.live,
  flushes: [workerd.flush_100, workerd.flush_200],
  memory: workerd.memory,
  e2e,
  concurrency: Object.keys(workerd)
    .filter((name) => name.startsWith("concurrency_"))
    .map((name) => workerd[name]),
  objectBounds: [workerd.object_bound_8, workerd.object_bound_16, workerd.object_bound_32].filter(Boolean),
  queries: {
    busyDay: workerd.busy_day,
    dashboards: ["15m", "1h", "24h"].map((window) => ({ window, ...workerd[`dashboard_${window}`] })),
    shapes: ["percentiles_50", "group_by_text", "events_10000_large"].map((name) => ({
      ...workerd[`memory_${name}`],
      name,
      rss: workerd.memory[name],
    })),
  },
  alerts: workerd.alerts,
});
const header = `# Benchmarks\n\nMeasured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${machineLine()}.\nRatios come from one run on the same data. Prices: shared/PLATFORM.md list prices.\n\n`;
console.log(`\n${table}\n`);
const benchmarksFile = join(ROOT, "docs", "BENCHMARKS.md");
writeFileSync(benchmarksFile, `${header}${table}\n${BENCH_NOTES}`);
// The table is written unpadded; the project's formatter pads it, so that lint passes on the result.
execFileSync(
  process.execPath,
  [join(createRequire(import.meta.url).resolve("@biomejs/biome/package.json"), "..", "bin", "biome"), "format", "--write", benchmarksFile],
  { stdio: "ignore" },
);
console.log("written to docs/BENCHMARKS.md");
