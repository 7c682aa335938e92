/**
 * The tail deliveries wrangler's dev registry failed to forward ("Failed to forward tail events"),
 * counted per producer. Each one is an invocation whose events never reach do-tail and are not
 * retried, so `npm run dev` reports every one loudly and sums them up on exit.
 */
export class LostDeliveries {
  #byProducer = new Map();
  #total = 0;

  /** Counts one lost delivery and answers the warning line to print for it. */
  record(producer, { service, reason }) {
    this.#total++;
    this.#byProducer.set(producer, (this.#byProducer.get(producer) ?? 0) + 1);
    return (
      `LOST TAIL EVENTS #${this.#total}: ${producer} could not forward an invocation's tail events to ${service} (${reason}); ` +
      `they will not be archived. Lost so far: ${this.#describe()}`
    );
  }

  get total() {
    return this.#total;
  }

  of(producer) {
    return this.#byProducer.get(producer) ?? 0;
  }

  /** The exit summary line. */
  summary() {
    if (this.#total === 0) return 'no tail deliveries were lost (no "Failed to forward tail events" line was seen)';
    return `LOST TAIL EVENTS: ${this.#describe()}; those invocations' events are not in the archive`;
  }

  #describe() {
    const parts = [...this.#byProducer].map(([producer, count]) => `${producer} ${count}`).join(", ");
    return `${this.#total} deliver${this.#total === 1 ? "y" : "ies"} (${parts})`;
  }
}
