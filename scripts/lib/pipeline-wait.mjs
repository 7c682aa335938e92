import { probeDelivery } from "./delivery-probe.mjs";

/** The pipeline did not become ready in time; the message says what was missing. */
export class PipelineNotReady extends Error {
  constructor(message) {
    super(message);
    this.name = "PipelineNotReady";
  }
}

const REPORT_EVERY_MS = 10_000;

/**
 * Waits (at most `timeoutMs`) until `producer` answers and its tail events reach do-tail, proved
 * end to end by the delivery probe: it works whoever started the producer. A running
 * `npm run dev` in this checkout (`readState`, its .wrangler/dev-pipeline.json) only makes the
 * messages precise: a producer it reports as failed ends the wait at once, with dev's reason.
 * Answers the probe's delay in seconds; throws PipelineNotReady.
 */
export async function waitForPipeline({ client, producer, timeoutMs, readState, log, attemptMs, pollMs }) {
  const devReport = () => readState()?.workers?.[producer.name];
  const failure = (report) =>
    report?.status === "failed" || report?.status === "exited"
      ? `\`npm run dev\` reports that ${producer.name} ${report.status === "failed" ? "failed to start" : "exited"}: ${report.reason}`
      : undefined;
  const early = failure(devReport());
  if (early) throw new PipelineNotReady(early);

  log(`waiting up to ${timeoutMs / 1000} s for ${producer.name} at ${producer.url} to answer and deliver its tail events to do-tail…`);
  let lastReport = Date.now();
  let devFailure;
  const result = await probeDelivery({
    client,
    producers: [producer],
    timeoutMs,
    attemptMs,
    pollMs,
    cancelled: () => (devFailure ??= failure(devReport())) !== undefined,
    onAttempt: ({ elapsedMs, pending, doTailError }) => {
      if (pending.length === 0 || Date.now() - lastReport < REPORT_EVERY_MS) return;
      lastReport = Date.now();
      log(`  still waiting after ${Math.round(elapsedMs / 1000)} s: ${describe(pending[0], doTailError, devReport())}`);
    },
  });
  if (devFailure) throw new PipelineNotReady(devFailure);
  const [delivered] = result.delivered;
  if (delivered) {
    log(`${producer.name} delivers to do-tail (probe arrived after ${delivered.seconds.toFixed(1)} s)`);
    return delivered.seconds;
  }
  const [miss] = result.undelivered;
  const seconds = timeoutMs / 1000;
  if (!miss.answered)
    throw new PipelineNotReady(
      `${producer.name} did not answer at ${producer.url} within ${seconds} s (${miss.lastError}). ` +
        "Start the pipeline with `npm run dev` (or pass --producer), then run this again.",
    );
  if (result.doTailError) throw new PipelineNotReady(`do-tail did not answer within ${seconds} s: ${result.doTailError}`);
  throw new PipelineNotReady(
    `${producer.name} answers, but none of its ${miss.attempts} probe requests reached do-tail within ${seconds} s: ` +
      `its tail events are being dropped (${connection(devReport())}).`,
  );
}

function describe(pending, doTailError, report) {
  if (!pending.answered) return `${pending.name} does not answer at ${pending.url} yet (${pending.lastError})`;
  if (doTailError) return `do-tail: ${doTailError}`;
  return `${pending.name} answers; its events have not reached do-tail yet (${connection(report)})`;
}

function connection(report) {
  if (report?.tailConsumer) return `\`npm run dev\` reports wrangler's "do-tail [${report.tailConsumer}]"`;
  return 'locally wrangler drops them until the producer prints "do-tail [connected]"';
}
