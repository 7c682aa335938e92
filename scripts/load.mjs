import { parseArgs } from "node:util";
import { readDevState } from "./lib/dev-state.mjs";
import { doTailClient } from "./lib/do-tail-client.mjs";
import { progressBar, runLoad } from "./lib/load-run.mjs";
import { PipelineNotReady, waitForPipeline } from "./lib/pipeline-wait.mjs";
import { producerWorkers } from "./lib/wrangler.mjs";

/**
 * `npm run load`: drives the local pipeline (`npm run dev`) through a real producer with
 * tail_consumers, then flushes, reads the archive back and counts what is missing or doubled.
 * It first waits (at most --wait-seconds) until the producer answers and a probe request's event
 * reaches do-tail, so it can be started together with `npm run dev`.
 * Exits non-zero on any loss or duplicate, or when the pipeline did not become ready.
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
    "wait-seconds": { type: "string", default: "180" },
    "dev-state": { type: "string" },
  },
});

const client = doTailClient(args.url, args.token);
const readState = () => readDevState(args["dev-state"]);
const producer = { name: producerName(args.producer), url: args.producer };
try {
  await waitForPipeline({ client, producer, timeoutMs: Number(args["wait-seconds"]) * 1000, readState, log: console.log });
} catch (error) {
  if (!(error instanceof PipelineNotReady) && error.kind !== "unauthorised") throw error;
  console.error(`load: ${error.message}`);
  process.exit(1);
}
const lostBefore = readState()?.workers?.[producer.name]?.lostDeliveries ?? 0;

console.log(`${args.invocations} invocations × ${args.events} events via ${args.producer} → ${args.url}`);
const result = await runLoad({
  client,
  producer: args.producer,
  invocations: Number(args.invocations),
  perInvocation: Number(args.events),
  concurrency: Number(args.concurrency),
  settleSeconds: Number(args["settle-seconds"]),
  progress: progressBar,
});
if (result.flushErrors.length > 0) console.error(`flush errors: ${result.flushErrors.join("; ")}`);
const devState = readState();
const lost = devState ? (devState.workers?.[producer.name]?.lostDeliveries ?? 0) - lostBefore : undefined;
console.table({
  "producer invocations": { value: result.invocations },
  "failed requests": { value: result.failedRequests },
  "events sent": { value: result.sent },
  "events archived": { value: result.archived },
  missing: { value: result.missing },
  duplicated: { value: result.duplicated },
  "deliveries wrangler failed to forward": { value: lost ?? "unknown (no npm run dev state)" },
  "send rate (events/s)": { value: Math.round(result.sendRate) },
  "end to end (events/s)": { value: Math.round(result.endToEndRate) },
  "end to end (s)": { value: Number(result.endToEndSeconds.toFixed(1)) },
});
if (lost > 0)
  console.error(
    `load: wrangler failed to forward ${lost} of ${producer.name}'s tail deliveries to do-tail during this run (see npm run dev's output)`,
  );
process.exit(result.missing === 0 && result.duplicated === 0 && result.failedRequests === 0 ? 0 : 1);

/** The producer's name for messages and for dev's state: the worker whose dev port the URL uses. */
function producerName(url) {
  const port = Number(new URL(url).port);
  const state = readState();
  const fromDev = Object.entries(state?.workers ?? {}).find(([, w]) => w.port === port)?.[0];
  return fromDev ?? producerWorkers().find((w) => w.port === port)?.name ?? "the producer";
}
