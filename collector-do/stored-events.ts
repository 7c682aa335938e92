import type { WireEvent } from "../schemas/collector-rpc";

/**
 * Something that wants each ingest call's new events once they are stored (Analytics forwarding,
 * alert rules, live streams). Called synchronously on the acknowledging path, so it must be cheap and must not
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

/** An observer that does its own sending later: it takes events synchronously (the alert and live taps). */
export interface StoredEventsTap {
  readonly wantsEvents: boolean;
  /** Never throws, never waits. */
  observe(events: readonly WireEvent[]): void;
}

/**
 * A tap as a stored-events observer. Its sending leaves in the background (the tap retries and
 * logs it itself), so nothing is handed to waitUntil. `tap` is read at each call, so that a test
 * may replace the collector's field.
 */
export function tapObserver(tap: () => StoredEventsTap): StoredEventsObserver {
  return {
    get wantsEvents() {
      return tap().wantsEvents;
    },
    stored(events) {
      tap().observe(events);
      return undefined;
    },
  };
}
