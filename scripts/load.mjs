import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { doTailClient } from "./lib/do-tail-client.mjs";

/**
 * `npm run load`: drives the local pipeline (`npm run dev`) through a real producer with
 * tail_consumers, then flushes, reads the archive back and counts what is missing or doubled.
 * Exits non-zero on any loss or duplicate.
 */
const { values: args } = parseArgs({
  options: {
    invocations: { type: "string", default: "10000" },
    events: { type: "string", default: "10" },
    concurrency: { type: "string", default: "32" },
    producer: { type: "string", default: "http://localhost:8795" },
    url: { type: "string", default: "http://localhost:8788" },
    token: { type: "string" },
    "settle-seconds": { type: "string", default: "20" },
  },
});
const invocations = Number(args.invocations);
const perInvocation = Number(args.events);
const concurrency = Number(args.concurrency);
const client = doTailClient(args.url, args.token);
const run = `load-${Date.now().toString(36)}`;

function progress(label, done, total, startedAt) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const rate = done / Math.max((Date.now() - startedAt) / 1000, 0.001);
  process.stderr.write(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${Math.round(rate)}/s   `);
  if (done === total) process.stderr.write("\n");
}

async function send() {
  const startedAt = Date.now();
  let next = 0;
  let done = 0;
  const failures = [];
  async function worker() {
    while (next < invocations) {
      const seq = next++;
      const url = `${args.producer}/emit?run=${run}&seq=${seq}&events=${perInvocation}`;
      const ok = await fetch(url).then(async (r) => (await r.arrayBuffer(), r.ok), () => false);
      if (!ok) failures.push(seq);
      done++;
      if (done % 100 === 0 || done === invocations) progress("sending ", done, invocations, startedAt);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { seconds: (Date.now() - startedAt) / 1000, failures };
}

/** Waits until do-tail has received every event (invocation events included) or stops progressing. */
async function waitForIngest(baseline, expected) {
  const startedAt = Date.now();
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const received = (await client.stats()).counters.received - baseline;
    progress("ingested", Math.min(received, expected), expected, startedAt);
    if (received >= expected) return;
    if (received !== last) [last, lastChange] = [received, Date.now()];
    if (Date.now() - lastChange > Number(args["settle-seconds"]) * 1000) {
      process.stderr.write("\n");
      return;
    }
    await sleep(500);
  }
}

async function readBack(startedAt) {
  const seen = new Map();
  const days = new Set([startedAt, Date.now()].map((t) => new Date(t).toISOString().slice(0, 10)));
  for (const day of days) {
    for await (const object of client.archives(`tail-events/${day}/`)) {
      if (Date.parse(object.uploaded) < startedAt - 60_000) continue;
      for (const event of await client.getArchive(object.key)) {
        if (event.type !== "load_test" || event.data?.run !== run) continue;
        const key = `${event.data.seq}:${event.data.i}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
  }
  return seen;
}

const startedAt = Date.now();
const baseline = (await client.stats()).counters.received;
console.log(`run ${run}: ${invocations} invocations × ${perInvocation} events via ${args.producer} → ${args.url}`);
const sent = await send();
await waitForIngest(baseline, (invocations - sent.failures.length) * (perInvocation + 1));
const flushed = await client.flush();
if (flushed.errors.length > 0) console.error(`flush errors: ${flushed.errors.join("; ")}`);
const archivedAt = Date.now();
const seen = await readBack(startedAt);

const expected = (invocations - sent.failures.length) * perInvocation;
let missing = 0;
let duplicated = 0;
for (let seq = 0; seq < invocations; seq++) {
  if (sent.failures.includes(seq)) continue;
  for (let i = 0; i < perInvocation; i++) {
    const count = seen.get(`${seq}:${i}`) ?? 0;
    if (count === 0) missing++;
    if (count > 1) duplicated += count - 1;
  }
}
const archived = [...seen.values()].reduce((a, b) => a + b, 0);
const seconds = (archivedAt - startedAt) / 1000;
console.table({
  "producer invocations": { value: invocations },
  "failed requests": { value: sent.failures.length },
  "events sent": { value: expected },
  "events archived": { value: archived },
  missing: { value: missing },
  duplicated: { value: duplicated },
  "send rate (events/s)": { value: Math.round(expected / sent.seconds) },
  "end to end (events/s)": { value: Math.round(expected / seconds) },
  "end to end (s)": { value: Number(seconds.toFixed(1)) },
});
process.exit(missing === 0 && duplicated === 0 && sent.failures.length === 0 ? 0 : 1);
