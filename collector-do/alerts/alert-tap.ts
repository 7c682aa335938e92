import { type AlertReport, alertState } from "../../schemas/alert-rpc";
import type { WireEvent } from "../../schemas/collector-rpc";
import type { AlertRule } from "../../schemas/config/alert-rules";
import type { Env } from "../../schemas/config/env";
import { errorMessage } from "../../schemas/lib/error-message";
import { type RetryPolicy, retry } from "../../schemas/lib/retry";
import type { StoredEventsTap } from "../stored-events";
import { PartialCounts } from "./partial-counts";
import { type ObservedEvent, RuleMatcher } from "./rule-matcher";
import { sampleOf } from "./sample";

/**
 * A collector reports at most once per interval: 256 shards then make at most 128 calls a second
 * to the AlertState object. The first report after a quiet interval leaves at once, so a rule
 * crossed by a lone event is reported within moments.
 */
export const REPORT_INTERVAL_MS = 2_000;
/** A report the AlertState object does not take (overloaded, restarting) is retried, then dropped and logged. */
export const REPORT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 10_000 };

export type ReportSender = (report: AlertReport) => Promise<void>;

/** The envelope of the event being looked at, parsed at most once whatever the number of rules. */
class LazyEnvelope implements ObservedEvent {
  wire!: WireEvent;
  private parsed: unknown;
  private done = false;

  reset(wire: WireEvent): this {
    this.wire = wire;
    this.done = false;
    this.parsed = undefined;
    return this;
  }

  envelope(): unknown {
    if (!this.done) {
      this.done = true;
      try {
        this.parsed = JSON.parse(this.wire.json);
      } catch {
        this.parsed = null;
      }
    }
    return this.parsed;
  }
}

/**
 * The collector's side of alerting: counts the events of each stored batch per rule and group in
 * memory, and reports the partial counts to the AlertState object in the background. Nothing here
 * awaits anything on the ingest path, and without rules it does nothing at all.
 *
 * Counts not yet reported live only in memory: an eviction (a deploy, a runtime restart) loses at
 * most what this shard matched in the last REPORT_INTERVAL_MS, plus a report being retried.
 */
export class AlertTap implements StoredEventsTap {
  private readonly matchers: RuleMatcher[];
  private partials = new PartialCounts();
  private readonly incarnation = crypto.randomUUID();
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending: Promise<void> | null = null;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private readonly event = new LazyEnvelope();
  readonly counts = { reports: 0, retries: 0, droppedReports: 0, errors: 0 };

  constructor(
    private readonly shard: string,
    rules: readonly AlertRule[],
    private readonly send: ReportSender,
    private readonly intervalMs = REPORT_INTERVAL_MS,
    private readonly retryPolicy = REPORT_RETRY,
  ) {
    this.matchers = rules.map((rule) => new RuleMatcher(rule));
  }

  /** Without rules the collector does not call observe at all (see tapObserver). */
  get wantsEvents(): boolean {
    return this.matchers.length > 0;
  }

  /**
   * Counts a stored batch; synchronous and never throws. When a report is due it is started here
   * and left running (never awaited): timers alone cannot be trusted with it, since a busy object
   * has been seen to run no timer callback while requests keep arriving.
   */
  observe(events: readonly WireEvent[]): void {
    if (this.matchers.length === 0) return;
    try {
      if (this.count(events)) this.reportWhenDue();
    } catch (error) {
      this.counts.errors++;
      console.error(`alerts: counting a batch failed: ${errorMessage(error)}`);
    }
  }

  /** Sends everything counted so far now, and waits for it (tests; otherwise observe and the timer do this). */
  async flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    while (this.sending !== null || !this.partials.empty) await (this.sending ?? this.startSending());
  }

  private count(events: readonly WireEvent[]): boolean {
    let added = false;
    for (const wire of events) {
      const event = this.event.reset(wire);
      for (const matcher of this.matchers) {
        const match = matcher.match(event);
        if (match === null) continue;
        this.partials.add(matcher.rule.name, match.values, match.weight, match.matched, match.inOf, () =>
          sampleOf(wire.json, event.envelope()),
        );
        added = true;
      }
    }
    return added;
  }

  /**
   * Starts a report if the interval has passed, else sets one timer for when it will have (for
   * counts that no later batch comes to carry). A report under way calls this when it ends.
   */
  private reportWhenDue(): void {
    if (this.sending !== null || this.partials.empty) return;
    const wait = this.lastSentAt + this.intervalMs - Date.now();
    if (wait <= 0) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      void this.startSending();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.reportWhenDue();
      }, wait);
    }
  }

  private startSending(): Promise<void> {
    const sending = this.sendReport().finally(() => {
      this.sending = null;
      this.reportWhenDue();
    });
    this.sending = sending;
    return sending;
  }

  private async sendReport(): Promise<void> {
    this.lastSentAt = Date.now();
    // A retry sends the same report (same seq), which the AlertState object applies once.
    const report: AlertReport = { shard: this.shard, incarnation: this.incarnation, seq: ++this.seq, rules: this.partials.take() };
    const outcome = await retry(
      this.retryPolicy,
      async () => {
        try {
          await this.send(report);
          return { ok: true, value: undefined };
        } catch (error) {
          return { ok: false, error: errorMessage(error) };
        }
      },
      () => this.counts.retries++,
    );
    if (outcome.ok) this.counts.reports++;
    else {
      this.counts.droppedReports++;
      console.error(`alerts: report ${report.seq} of ${this.shard} dropped after ${outcome.attempts} attempts: ${outcome.error}`);
    }
  }
}

/** The tap of a collector, from ALERT_RULES; its reports go to the AlertState object. */
export function alertTapOf(ctx: DurableObjectState, env: Env, rules: readonly AlertRule[]): AlertTap {
  return new AlertTap(ctx.id.toString(), rules, (report) => alertState(env).report(report));
}
