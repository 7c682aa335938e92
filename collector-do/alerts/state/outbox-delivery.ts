import type { DeliveryCounts } from "../../../schemas/alert-rpc";
import type { Fetcher } from "../../../schemas/lib/http-attempt";
import { retryDelayMs } from "../../../schemas/lib/retry";
import { DELIVERY_ATTEMPTS, DELIVERY_BACKOFF, postNotification, redactDestination } from "./delivery";
import type { Outbox } from "./outbox";

/** Notifications delivered in parallel by one alarm run; the rest by the next run, at once. */
export const DELIVERIES_PER_RUN = 20;

/**
 * Delivers the notifications that are due, each once; then, in one transaction, deletes the
 * delivered ones and reschedules (full-jitter backoff, or the receiver's longer Retry-After) or
 * gives up on the others, and stores the counts with them (`persist`). Answers how many were tried.
 */
export async function deliverDue(
  outbox: Outbox,
  storage: DurableObjectStorage,
  fetcher: Fetcher,
  secret: string | undefined,
  counts: DeliveryCounts,
  persist: () => void,
): Promise<number> {
  const rows = outbox.due(Date.now(), DELIVERIES_PER_RUN);
  if (rows.length === 0) return 0;
  const outcomes = await Promise.all(rows.map((row) => postNotification(fetcher, row.destination, row.notificationId, row.body, secret)));
  const now = Date.now();
  storage.transactionSync(() => {
    rows.forEach((row, i) => {
      const outcome = outcomes[i]!;
      const attempts = row.attempts + 1;
      if (outcome.ok) {
        outbox.delivered(row.id);
        counts.delivered++;
        return;
      }
      const error = `${redactDestination(row.destination)}: ${outcome.error}`;
      if (outcome.retryable === false || attempts >= DELIVERY_ATTEMPTS) {
        outbox.failed(row.id, attempts, error);
        counts.failed++;
        console.error(`alerts: notification ${row.notificationId} given up after ${attempts} attempts: ${error}`);
      } else {
        outbox.retryAt(row.id, attempts, now + retryDelayMs(attempts, DELIVERY_BACKOFF, outcome.retryAfterMs), error);
        counts.retries++;
      }
    });
    persist();
  });
  return rows.length;
}
