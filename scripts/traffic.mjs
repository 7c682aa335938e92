import { parseArgs } from "node:util";
import { catalogTour } from "./traffic/catalog-tour.mjs";
import { assertLoopback, Budget, Client, PRODUCERS, sleep, Tally } from "./traffic/client.mjs";
import { agentSocket, burst, codeRunner, doFramework, sessionLifecycle, uptimeRound } from "./traffic/http-scenarios.mjs";
import { liveSession, strayPlayer } from "./traffic/live-session.mjs";

/**
 * `npm run traffic`: drives the example producers of `npm run dev` with varied, realistic traffic
 * for a while (HTTP sessions, live WebSocket sessions, code runs, agent work, monitoring rounds),
 * some of it deliberately invalid or failing, then prints what it sent. A catalog tour asks once
 * for every outcome the producers offer, so every catalog's events reach the archive. Loopback only; the number
 * of requests (WebSocket messages included) is capped.
 *
 *   npm run traffic -- --duration 60 --concurrency 4 --max-requests 3000
 */
const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    concurrency: { type: "string", default: "4" },
    "max-requests": { type: "string", default: "3000" },
    host: { type: "string", default: "127.0.0.1" },
  },
});

const durationMs = Number(values.duration) * 1000;
const concurrency = Number(values.concurrency);
const budget = new Budget(Number(values["max-requests"]));
for (const [name, value] of [
  ["duration", durationMs],
  ["concurrency", concurrency],
  ["max-requests", budget.left],
]) {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
}
assertLoopback(values.host);
if (typeof WebSocket !== "function") throw new Error("this Node has no global WebSocket; run it through npm (npm run traffic) for Node 22");

/** Scenarios and how often each is picked; a live session holds its worker for seconds. */
const SCENARIOS = [
  { name: "session-lifecycle", weight: 20, run: sessionLifecycle, producer: "session-api" },
  { name: "live-session", weight: 8, run: (c) => liveSession(c), producer: "session-api" },
  { name: "crowded-session", weight: 1, run: (c) => liveSession(c, { crowd: true }), producer: "session-api" },
  { name: "stray-player", weight: 1, run: strayPlayer, producer: "session-api" },
  { name: "code-runner", weight: 30, run: codeRunner, producer: "code-runner" },
  { name: "do-framework", weight: 25, run: doFramework, producer: "do-framework" },
  { name: "agent-socket", weight: 3, run: agentSocket, producer: "do-framework" },
  { name: "uptime-round", weight: 2, run: uptimeRound, producer: "uptime-monitor" },
];

const tally = new Tally();
const scenarios = new Tally();
const started = Date.now();
let stopping = false;
process.on("SIGINT", () => {
  stopping = true;
});

async function reachable(name) {
  const url = new Client({ host: values.host, tally, budget }).url(name, "/health");
  return fetch(url, { signal: AbortSignal.timeout(3_000) }).then(
    (r) => r.ok,
    () => false,
  );
}

function pickScenario(available) {
  const total = available.reduce((sum, s) => sum + s.weight, 0);
  let roll = Math.random() * total;
  for (const scenario of available) {
    roll -= scenario.weight;
    if (roll < 0) return scenario;
  }
  return available[available.length - 1];
}

async function worker(available) {
  while (!stopping && !budget.spent && Date.now() - started < durationMs) {
    const scenario = pickScenario(available);
    const outcome = await scenario.run(new Client({ host: values.host, tally, budget })).then(
      () => "done",
      (error) => `failed: ${error.message}`,
    );
    scenarios.count(scenario.name, outcome);
    await sleep(50 + Math.random() * 250);
  }
}

async function main() {
  const up = [];
  for (const name of Object.keys(PRODUCERS)) {
    if (await reachable(name)) up.push(name);
    else console.warn(`traffic: ${name} is not answering on port ${PRODUCERS[name]}; skipping it (is \`npm run dev\` running?)`);
  }
  const available = SCENARIOS.filter((s) => up.includes(s.producer));
  if (available.length === 0) {
    console.error("traffic: no producer is answering; start them with `npm run dev` first");
    process.exit(1);
  }
  console.log(`traffic: ${values.duration} s, ${concurrency} workers, at most ${budget.left} requests, to ${up.join(", ")}`);
  const workers = Array.from({ length: concurrency }, () => worker(available));
  workers.push(
    catalogTour(new Client({ host: values.host, tally, budget }), up).then(
      () => scenarios.count("catalog-tour", "done"),
      (error) => scenarios.count("catalog-tour", `failed: ${error.message}`),
    ),
  );
  // Once per run, one client goes past the session API's rate limit.
  if (up.includes("session-api")) workers.push(burst(new Client({ host: values.host, tally, budget })));
  await Promise.all(workers);
  console.log(`traffic: scenarios run in ${((Date.now() - started) / 1000).toFixed(1)} s${budget.spent ? " (request cap reached)" : ""}:`);
  scenarios.print();
  console.log("traffic: requests and WebSocket messages sent, by answer:");
  tally.print();
}

void main();
