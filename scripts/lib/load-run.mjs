import { setTimeout as sleep } from "node:timers/promises";

/**
 * One load run through a producer with tail_consumers: sends `invocations` requests that each log
 * `perInvocation` load_test events, waits for do-tail to receive them, flushes, reads the archive
 * back and counts what is missing or doubled. Shared by `npm run load` and `npm run bench`.
 */
export async function runLoad({ client, producer, invocations, perInvocation, concurrency, settleSeconds, progress = () => {} }) {
  const run = `load-${Date.now().toString(36)}`;
  const startedAt = Date.now();
  const baseline = (await client.stats()).counters.received;

  let next = 0;
  let done = 0;
  const failures = new Set();
  async function sender() {
    while (next < invocations) {
      const seq = next++;
      const ok = await fetch(`${producer}/emit?run=${run}&seq=${seq}&events=${perInvocation}`).then(
        async (r) => {
          await r.arrayBuffer();
          return r.ok;
        },
        () => false,
      );
      if (!ok) failures.add(seq);
      done++;
      if (done % 100 === 0 || done === invocations) progress("sending ", done, invocations, startedAt);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, sender));
  const sendSeconds = (Date.now() - startedAt) / 1000;

  // Every invocation also yields its invocation event: perInvocation + 1 per request.
  const expectedReceived = (invocations - failures.size) * (perInvocation + 1);
  const waitStart = Date.now();
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const received = (await client.stats()).counters.received - baseline;
    progress("ingested", Math.min(received, expectedReceived), expectedReceived, waitStart);
    if (received >= expectedReceived) break;
    if (received !== last) [last, lastChange] = [received, Date.now()];
    if (Date.now() - lastChange > settleSeconds * 1000) break;
    await sleep(500);
  }
  const flush = await client.flush();
  const archivedAt = Date.now();

  const seen = new Map();
  const days = new Set([startedAt, archivedAt].map((t) => new Date(t).toISOString().slice(0, 10)));
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

  let missing = 0;
  let duplicated = 0;
  for (let seq = 0; seq < invocations; seq++) {
    if (failures.has(seq)) continue;
    for (let i = 0; i < perInvocation; i++) {
      const count = seen.get(`${seq}:${i}`) ?? 0;
      if (count === 0) missing++;
      if (count > 1) duplicated += count - 1;
    }
  }
  const sent = (invocations - failures.size) * perInvocation;
  return {
    run,
    invocations,
    failedRequests: failures.size,
    sent,
    archived: [...seen.values()].reduce((a, b) => a + b, 0),
    missing,
    duplicated,
    flushErrors: flush.errors,
    sendRate: sent / sendSeconds,
    endToEndRate: sent / ((archivedAt - startedAt) / 1000),
    endToEndSeconds: (archivedAt - startedAt) / 1000,
  };
}

/** A progress bar on stderr: `label [####....] done/total rate/s`. */
export function progressBar(label, done, total, startedAt) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const rate = done / Math.max((Date.now() - startedAt) / 1000, 0.001);
  process.stderr.write(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${Math.round(rate)}/s   `);
  if (done === total) process.stderr.write("\n");
}
