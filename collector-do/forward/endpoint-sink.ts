import type { ForwardCounts } from "../../schemas/analytics/forward-counts";
import { attemptRequest } from "../../schemas/lib/http-attempt";
import { type AttemptOutcome, retry } from "../../schemas/lib/retry";
import { recordForwardError } from "./forward-counts";
import type { AnalyticsSink, ForwardItem } from "./sink";

export interface EndpointOptions {
  /** How requests leave; tests point it at a local endpoint. */
  fetch?: (request: Request) => Promise<Response>;
  /** Attempts per batch, the first included. */
  attempts?: number;
  /** Cap of the first retry's jittered delay; doubled for each further one. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  /** A batch is closed once its body passes this size (a single larger event still goes alone). */
  maxBatchBytes?: number;
  /** Events waiting while the endpoint is slow; past it new events are counted as failed. */
  maxQueued?: number;
}

const DEFAULTS: Required<Omit<EndpointOptions, "fetch">> = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  timeoutMs: 10_000,
  maxBatchBytes: 1024 * 1024,
  maxQueued: 10_000,
};

/**
 * POSTs selected events to ANALYTICS_ENDPOINT as JSON batches:
 * `{"events":[{"id","type","timestamp","dataPoint":{"blobs","doubles","indexes"},"event":{…}}]}`.
 * One sender drains a queue, so a slow endpoint gets fewer, larger batches instead of a pile of
 * concurrent requests. Network errors, 408, 429 and 5xx are retried with jittered backoff; other
 * answers are final (attemptRequest). Every response body is read, so connections are released.
 */
export class HttpEndpointSink implements AnalyticsSink {
  private readonly options: Required<Omit<EndpointOptions, "fetch">>;
  private readonly fetcher: (request: Request) => Promise<Response>;
  private readonly queue: ForwardItem[] = [];
  private draining: Promise<void> | null = null;
  private counts: ForwardCounts | null = null;

  constructor(
    private readonly url: string,
    options: EndpointOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.fetcher = options.fetch ?? ((request) => fetch(request));
  }

  send(items: readonly ForwardItem[], counts: ForwardCounts): Promise<void> {
    this.counts = counts;
    const room = Math.max(0, this.options.maxQueued - this.queue.length);
    if (items.length > room) {
      counts.endpoint.failed += items.length - room;
      recordForwardError(counts, `analytics endpoint: ${items.length - room} events dropped, ${this.queue.length} already waiting`);
    }
    this.queue.push(...items.slice(0, room));
    // The drain ends only with an empty queue, and its `finally` runs before any other ingest
    // call can enqueue, so nothing is left waiting without a sender.
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.takeBatch();
      await this.post(batch.body, batch.size);
    }
  }

  private takeBatch(): { body: string; size: number } {
    const parts: string[] = [];
    let bytes = 0;
    while (this.queue.length > 0 && (parts.length === 0 || bytes < this.options.maxBatchBytes)) {
      const item = this.queue.shift() as ForwardItem;
      const part = `{"id":${JSON.stringify(item.id)},"type":${JSON.stringify(item.type)},"timestamp":${item.timestamp},"dataPoint":${JSON.stringify(item.point)},"event":${item.json}}`;
      parts.push(part);
      bytes += part.length;
    }
    return { body: `{"events":[${parts.join(",")}]}`, size: parts.length };
  }

  private async post(body: string, size: number): Promise<void> {
    const counts = this.counts as ForwardCounts;
    const outcome = await retry(
      this.options,
      () => this.attempt(body),
      () => counts.endpoint.retries++,
    );
    if (outcome.ok) {
      counts.endpoint.forwarded += size;
      counts.endpoint.batches++;
      return;
    }
    counts.endpoint.failed += size;
    recordForwardError(counts, `analytics endpoint: ${outcome.error}`);
  }

  private attempt(body: string): Promise<AttemptOutcome<number>> {
    return attemptRequest(
      this.fetcher,
      this.url,
      { method: "POST", headers: { "content-type": "application/json" }, body },
      this.options.timeoutMs,
    );
  }
}
