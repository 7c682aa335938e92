import type { WireEvent } from "../schemas/collector-rpc";

/**
 * Something that wants each ingest call's new events once they are stored (Analytics forwarding,
 * alert rules). Called synchronously on the acknowledging path, so it must be cheap and must not
 * throw; slow work goes into the promise it answers, which the collector hands to waitUntil.
 */
export interface StoredEventsObserver {
  /** False while it has nothing to do with events: it is then not called at all. */
  readonly wantsEvents: boolean;
  /**
   * The events one ingest call brought that this shard had not seen: those stored, and those
   * acknowledged but shed by overflow (which Analytics Engine, not depending on R2, still counts).
   */
  stored(events: readonly WireEvent[]): Promise<void> | undefined;
}

/** Hands each call's stored events to every observer that wants them; no work per event here. */
export function notifyObservers(
  observers: readonly StoredEventsObserver[],
  events: readonly WireEvent[],
  waitUntil: (work: Promise<void>) => void,
): void {
  if (events.length === 0) return;
  for (const observer of observers) {
    if (!observer.wantsEvents) continue;
    try {
      const work = observer.stored(events);
      if (work) waitUntil(work.catch((error: unknown) => console.error(`stored-events observer failed: ${String(error)}`)));
    } catch (error) {
      console.error(`stored-events observer failed: ${String(error)}`);
    }
  }
}
