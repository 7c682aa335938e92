import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * The end-to-end check that a producer's tail events reach do-tail: a request to the producer whose
 * URL carries a unique marker, then `/query` (which reads what the collectors still buffer) until
 * do-tail holds that request's invocation event. Locally wrangler drops a producer's tail events
 * while it is not connected to do-tail, silently, so nothing short of this proves delivery.
 *
 * The probe path answers 404 on every example producer: a probe has no effect but its event.
 */
export const PROBE_PATH = "/do-tail-probe";

/**
 * Probes every producer until each one's event arrived or `timeoutMs` passed. A request served
 * before the producer was connected is lost for good, so each attempt sends a fresh request;
 * any of them arriving proves delivery. Answers
 * `{ delivered: [{ name, seconds, attempts }], undelivered: [{ name, url, attempts, answered, lastError }], doTailError }`
 * (`lastError`: why the producer did not answer its last request, e.g. ECONNREFUSED).
 * An unauthorised /query (an ADMIN_TOKEN without --token or DO_TAIL_TOKEN) is thrown at once.
 */
export async function probeDelivery({
  client,
  producers,
  timeoutMs,
  attemptMs = 3_000,
  pollMs = 500,
  onAttempt = () => {},
  cancelled = () => false,
}) {
  const run = `probe-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
  const startedAt = Date.now();
  const deadline = startedAt + timeoutMs;
  const pending = new Map(
    producers.map((p, i) => [
      p.name,
      // The marker names the producer in a form a URL keeps as it is.
      {
        name: p.name,
        url: p.url,
        tag: `${run}.${i}-${p.name.replace(/[^\w-]/g, "_")}.`,
        attempts: 0,
        answered: false,
        lastError: undefined,
      },
    ]),
  );
  const delivered = [];
  let doTailError;

  const send = async (probe) => {
    probe.attempts++;
    try {
      const response = await fetch(`${probe.url}${PROBE_PATH}?marker=${encodeURIComponent(`${probe.tag}${probe.attempts}`)}`);
      await response.arrayBuffer();
      probe.answered = true;
      probe.lastError = undefined;
    } catch (error) {
      probe.lastError = error.cause?.code ?? error.message;
    }
  };
  const collect = async () => {
    let answer;
    try {
      answer = await client.query({
        from: startedAt - 60_000,
        select: "events",
        where: [
          { field: "type", op: "eq", value: "invocation" },
          { field: "data.url", op: "contains", value: run },
        ],
        limit: 1_000,
      });
      doTailError = undefined;
    } catch (error) {
      if (error.kind === "unauthorised") throw error;
      doTailError = error.message;
      return;
    }
    for (const event of answer.rows ?? []) {
      const url = String(event?.data?.url ?? "");
      for (const probe of pending.values()) {
        if (!url.includes(probe.tag)) continue;
        pending.delete(probe.name);
        delivered.push({ name: probe.name, seconds: (Date.now() - startedAt) / 1000, attempts: probe.attempts });
      }
    }
  };

  while (pending.size > 0 && Date.now() < deadline && !cancelled()) {
    await Promise.all([...pending.values()].map(send));
    const attemptEnd = Math.min(deadline, Date.now() + attemptMs);
    do {
      await sleep(pollMs);
      await collect();
    } while (pending.size > 0 && Date.now() < attemptEnd && !cancelled());
    onAttempt({ elapsedMs: Date.now() - startedAt, pending: [...pending.values()], delivered, doTailError });
  }
  return {
    delivered,
    undelivered: [...pending.values()].map(({ name, url, attempts, answered, lastError }) => ({
      name,
      url,
      attempts,
      answered,
      lastError,
    })),
    doTailError,
  };
}
