import { parseArgs } from "node:util";
import { doTailClient } from "./lib/do-tail-client.mjs";
import { progressBar, runLoad } from "./lib/load-run.mjs";

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

console.log(`${args.invocations} invocations × ${args.events} events via ${args.producer} → ${args.url}`);
const result = await runLoad({
  client: doTailClient(args.url, args.token),
  producer: args.producer,
  invocations: Number(args.invocations),
  perInvocation: Number(args.events),
  concurrency: Number(args.concurrency),
  settleSeconds: Number(args["settle-seconds"]),
  progress: progressBar,
});
if (result.flushErrors.length > 0) console.error(`flush errors: ${result.flushErrors.join("; ")}`);
console.table({
  "producer invocations": { value: result.invocations },
  "failed requests": { value: result.failedRequests },
  "events sent": { value: result.sent },
  "events archived": { value: result.archived },
  missing: { value: result.missing },
  duplicated: { value: result.duplicated },
  "send rate (events/s)": { value: Math.round(result.sendRate) },
  "end to end (events/s)": { value: Math.round(result.endToEndRate) },
  "end to end (s)": { value: Number(result.endToEndSeconds.toFixed(1)) },
});
process.exit(result.missing === 0 && result.duplicated === 0 && result.failedRequests === 0 ? 0 : 1);
