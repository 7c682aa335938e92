import type { ForwardCounts } from "../../schemas/analytics/forward-counts";
import { isDataPoint } from "../../schemas/analytics/limits";
import type { WireEvent } from "../../schemas/collector-rpc";
import type { Config } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import { errorMessage } from "../../schemas/lib/error-message";
import type { StoredEventsObserver } from "../stored-events";
import { HttpEndpointSink } from "./endpoint-sink";
import { AnalyticsEngineSink } from "./engine-sink";
import { recordForwardError } from "./forward-counts";
import type { AnalyticsSink, ForwardItem } from "./sink";

/**
 * Hands the data points of freshly stored events to every sink, right after the batch is stored,
 * so Analytics Engine lags producers by seconds rather than by a flush interval. What to forward
 * was decided by the tail worker (ANALYTICS_ENABLED, the mapping table and its switches), where
 * events are still parsed; the collector only knows where points go and enforces the limits.
 */
export class Forwarder {
  constructor(private readonly sinks: readonly AnalyticsSink[]) {}

  /** Sinks from the bindings and settings: the ANALYTICS dataset, and ANALYTICS_ENDPOINT if set. */
  static fromEnv(env: Env, config: Config): Forwarder {
    const sinks: AnalyticsSink[] = [];
    if (env.ANALYTICS) sinks.push(new AnalyticsEngineSink(env.ANALYTICS));
    if (config.analyticsEndpoint) sinks.push(new HttpEndpointSink(config.analyticsEndpoint));
    return new Forwarder(sinks);
  }

  /** Without a sink there is nowhere to send points: stored events need not be looked at. */
  get wantsEvents(): boolean {
    return this.sinks.length > 0;
  }

  /**
   * Counts the tail worker's decisions and sends the selected points. Never throws; answers the
   * deliveries still under way (for waitUntil), or undefined when there are none.
   */
  forward(events: readonly WireEvent[], counts: ForwardCounts): Promise<void> | undefined {
    let items: ForwardItem[];
    try {
      items = select(events, counts);
    } catch (error) {
      // Only counters of an unexpected shape can get here; the batch is stored whatever happens.
      recordForwardError(counts, errorMessage(error));
      return undefined;
    }
    if (items.length === 0 || this.sinks.length === 0) return undefined;
    const pending: Promise<void>[] = [];
    for (const sink of this.sinks) {
      try {
        const delivery = sink.send(items, counts);
        if (delivery) pending.push(delivery.catch((error: unknown) => recordForwardError(counts, String(error))));
      } catch (error) {
        recordForwardError(counts, errorMessage(error));
      }
    }
    return pending.length === 0 ? undefined : Promise.all(pending).then(() => undefined);
  }
}

/** Forwarding as an observer of stored events; read at each call, so a test can swap the forwarder. */
export function forwardingObserver(forwarder: () => Forwarder, counts: () => ForwardCounts): StoredEventsObserver {
  return {
    get wantsEvents() {
      return forwarder().wantsEvents;
    },
    stored: (events) => forwarder().forward(events, counts()),
  };
}

/** The events with a well-formed data point; the others are counted by why they have none. */
function select(events: readonly WireEvent[], counts: ForwardCounts): ForwardItem[] {
  const items: ForwardItem[] = [];
  for (const event of events) {
    const decision: unknown = event.analytics;
    if (decision === undefined || decision === null) continue;
    const { skipped, point } = decision as { skipped?: unknown; point?: unknown };
    if (skipped === "disabled" || skipped === "invalid") counts.skipped[skipped]++;
    else if (!isDataPoint(point)) counts.skipped.malformed++;
    else {
      counts.selected++;
      items.push({ id: event.id, type: event.type, timestamp: event.timestamp, point, json: event.json });
    }
  }
  return items;
}
