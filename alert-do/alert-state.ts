import { DurableObject } from "cloudflare:workers";
import type { AlertReport, AlertStateRpc, AlertsView, DeliveryCounts, GroupPartial, TestDelivery } from "../schemas/alert-rpc";
import { MAX_ALERT_GROUPS, MAX_ALERT_SAMPLES } from "../schemas/alert-rpc";
import type { AlertRule } from "../schemas/config/alert-rules";
import { type AlertSettings, loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { errorMessage } from "../schemas/lib/error-message";
import { Hash64 } from "../schemas/lib/hash64";
import type { Fetcher } from "../schemas/lib/http-attempt";
import { backoffDelayMs } from "../schemas/lib/retry";
import { type AlertGroup, groupObject, isIdle, nextChangeAt, type Step, step, widthOf, windowMsOf } from "./alert-group";
import { DELIVERY_ATTEMPTS, DELIVERY_BACKOFF, postNotification, redactDestination } from "./delivery";
import { GroupStore } from "./group-store";
import { bodyFor, dashboardLink, type NotificationFacts, type NotificationState } from "./notification";
import { Outbox } from "./outbox";
import { viewAlerts } from "./view";
import { addToBuckets, pruneBuckets } from "./windows";

/**
 * Reports are applied at most once per COMMIT_INTERVAL_MS, together: a group touched by reports
 * of every shard in that second is written once. The first report after a quiet second is
 * applied at once.
 */
export const COMMIT_INTERVAL_MS = 1_000;
/** Notifications delivered in parallel by one alarm run; the rest by the next run, at once. */
const DELIVERIES_PER_RUN = 20;

/**
 * Holds every rule's groups (windows summed across collector shards, state, samples) and a
 * durable outbox of notifications, delivered by its alarm with retries. One object for the whole
 * deployment (ALERT_STATE_NAME).
 */
export class AlertState extends DurableObject<Env> implements AlertStateRpc {
  /** Rules, secret and public URL. A field so that tests can give an object their own. */
  settings: AlertSettings;
  /** How notifications leave. A field so that tests can observe or break deliveries. */
  fetcher: Fetcher = (request) => fetch(request);
  private readonly store: GroupStore;
  private readonly outbox: Outbox;
  private readonly groups = new Map<string, Map<string, AlertGroup>>();
  private rulesFor: { settings: AlertSettings; byName: Map<string, AlertRule> } | null = null;
  private pending: { report: AlertReport; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private commitTimer: ReturnType<typeof setTimeout> | null = null;
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  /** The last report applied per shard: a retried report is recognised (memory only; see README). */
  private readonly applied = new Map<string, { incarnation: string; seq: number }>();
  private alarmAt: number | null = null;
  private delivery: DeliveryCounts = { delivered: 0, retries: 0, failed: 0 };
  private readonly reports = { received: 0, duplicates: 0, unknownRules: 0, droppedGroups: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.settings = loadConfig(env).alerts;
    this.store = new GroupStore(ctx.storage.sql);
    this.outbox = new Outbox(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(() => this.restore());
  }

  /**
   * Adds a collector's partial counts; answers once they are stored (and any transition with
   * them). A report arriving when a commit is due commits at once; otherwise a timer commits at
   * the end of the interval. Not the timer alone: a busy object has been seen to run no timer
   * callback while requests keep arriving.
   */
  async report(report: AlertReport): Promise<void> {
    this.reports.received++;
    const last = this.applied.get(report.shard);
    const seen = (r: { incarnation: string; seq: number }) => r.incarnation === report.incarnation && r.seq >= report.seq;
    if ((last !== undefined && seen(last)) || this.pending.some((p) => p.report.shard === report.shard && seen(p.report))) {
      this.reports.duplicates++;
      return;
    }
    const stored = new Promise<void>((resolve, reject) => this.pending.push({ report, resolve, reject }));
    const wait = this.lastCommitAt + COMMIT_INTERVAL_MS - Date.now();
    if (wait <= 0) await this.commit();
    else
      this.commitTimer ??= setTimeout(() => {
        this.commitTimer = null;
        void this.commit();
      }, wait);
    return stored;
  }

  async view(origin?: string): Promise<AlertsView> {
    this.rememberOrigin(origin);
    return viewAlerts({
      rules: this.settings.rules,
      groups: this.groups,
      now: Date.now(),
      store: this.store,
      outbox: this.outbox,
      delivery: this.delivery,
      reports: this.reports,
    });
  }

  /** Sends a `test` notification of the rule to each of its destinations once, now, and says how each answered. */
  async sendTest(ruleName: string, origin?: string): Promise<TestDelivery[]> {
    this.rememberOrigin(origin);
    const rule = this.rule(ruleName);
    if (rule === undefined) throw new Error(`no rule named ${JSON.stringify(ruleName)}`);
    const now = Date.now();
    const facts: NotificationFacts = {
      id: `${rule.name}:test:${now}`,
      rule,
      state: "test",
      group: groupObject(rule, []),
      measure: { count: 0 },
      since: now,
      at: now,
      repeat: 0,
      lastSeenAt: null,
      samples: [],
      dashboard: this.dashboard(),
    };
    return Promise.all(
      rule.notify.map(async (destination) => {
        const outcome = await postNotification(
          this.fetcher,
          destination,
          facts.id,
          bodyFor(destination, facts),
          this.settings.webhookSecret,
        );
        return outcome.ok
          ? { destination: redactDestination(destination), ok: true, status: outcome.value, error: null }
          : { destination: redactDestination(destination), ok: false, status: null, error: outcome.error };
      }),
    );
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    try {
      this.ctx.storage.transactionSync(() => this.evaluateAll(Date.now()));
      await this.deliverDue();
    } catch (error) {
      console.error(`AlertState alarm failed: ${errorMessage(error)}`);
      this.reload();
    }
    await this.scheduleAlarm();
  }

  /** Applies every pending report in one transaction, then moves the alarm if a notification waits. */
  private async commit(): Promise<void> {
    if (this.commitTimer !== null) clearTimeout(this.commitTimer);
    this.commitTimer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const now = Date.now();
    this.lastCommitAt = now;
    try {
      this.ctx.storage.transactionSync(() => {
        const touched = new Map<AlertGroup, string[]>();
        for (const { report } of batch) this.apply(report, now, touched);
        for (const [group, samples] of touched) this.settle(group, now, samples);
      });
    } catch (error) {
      // Memory may hold part of what the rolled-back transaction wrote: start again from storage.
      this.reload();
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    for (const { report } of batch) this.applied.set(report.shard, { incarnation: report.incarnation, seq: report.seq });
    try {
      await this.scheduleAlarm();
    } catch (error) {
      // The counts are stored; the next commit or alarm moves the alarm.
      console.error(`AlertState: setting the alarm failed: ${errorMessage(error)}`);
    }
    for (const waiting of batch) waiting.resolve();
  }

  private apply(report: AlertReport, now: number, touched: Map<AlertGroup, string[]>): void {
    for (const partial of report.rules) {
      const rule = this.rule(partial.rule);
      if (rule === undefined) {
        this.reports.unknownRules++;
        continue;
      }
      this.reports.droppedGroups += partial.droppedGroups;
      for (const counted of partial.groups) {
        const group = this.groupOf(rule, counted, now);
        if (group === undefined) {
          this.reports.droppedGroups += counted.count + counted.of;
          continue;
        }
        addToBuckets(group.buckets, now, widthOf(rule), counted.count, counted.of);
        if (rule.kind === "absence" && counted.count > 0) group.lastSeenAt = now;
        const samples = touched.get(group) ?? [];
        samples.push(...counted.samples);
        touched.set(group, samples);
      }
    }
  }

  private groupOf(rule: AlertRule, counted: GroupPartial, now: number): AlertGroup | undefined {
    let groups = this.groups.get(rule.name);
    if (groups === undefined) {
      groups = new Map();
      this.groups.set(rule.name, groups);
    }
    let group = groups.get(counted.key);
    if (group === undefined) {
      if (groups.size >= MAX_ALERT_GROUPS) return undefined;
      const state = rule.kind === "absence" ? "ok" : "pending";
      group = {
        rule: rule.name,
        key: counted.key,
        values: counted.values,
        state,
        since: now,
        buckets: [],
        lastSeenAt: null,
        lastNotifiedAt: null,
      };
      groups.set(counted.key, group);
    }
    return group;
  }

  /** After new counts: the group's transition if any, then its row (with its newest samples). */
  private settle(group: AlertGroup, now: number, newSamples: string[]): void {
    const rule = this.rule(group.rule) as AlertRule;
    pruneBuckets(group.buckets, now, windowMsOf(rule), widthOf(rule));
    const samples =
      newSamples.length >= MAX_ALERT_SAMPLES
        ? newSamples.slice(-MAX_ALERT_SAMPLES)
        : [...this.store.samples(group), ...newSamples].slice(-MAX_ALERT_SAMPLES);
    const change = step(rule, group, now);
    if (change !== null) this.transition(rule, group, change, now, samples);
    this.store.save(group, samples);
  }

  /** Time-driven changes (resolve, repeat, absence deadlines) and forgetting idle groups. */
  private evaluateAll(now: number): void {
    for (const [ruleName, groups] of this.groups) {
      const rule = this.rule(ruleName);
      if (rule === undefined) continue;
      for (const group of groups.values()) {
        const change = step(rule, group, now);
        if (change !== null) {
          this.transition(rule, group, change, now, this.store.samples(group));
          pruneBuckets(group.buckets, now, windowMsOf(rule), widthOf(rule));
          this.store.save(group);
        } else if (isIdle(rule, group, now)) {
          groups.delete(group.key);
          this.store.delete(group);
        }
      }
    }
  }

  /** Records the transition and, for a notice, writes one outbox row per destination: before anything is sent. */
  private transition(rule: AlertRule, group: AlertGroup, change: Step, now: number, samples: readonly string[]): void {
    const from = group.state;
    const values = groupObject(rule, group.values);
    if (change.notice !== "repeat")
      this.store.addTransition(now, rule.name, values, from, change.to, change.measure.count, change.measure.rate);
    if (change.notice !== null) {
      const repeat = change.notice === "repeat" ? this.repeatNumber(rule, group, now) : 0;
      const state: NotificationState = change.notice === "resolved" ? "resolved" : "firing";
      const since = change.notice === "firing" ? change.at : group.since;
      const facts: NotificationFacts = {
        id: `${rule.name}:${new Hash64().update(group.key).hex()}:${state}:${since}${repeat > 0 ? `:${repeat}` : ""}`,
        rule,
        state,
        group: values,
        measure: change.measure,
        since,
        at: now,
        repeat,
        lastSeenAt: group.lastSeenAt,
        samples,
        dashboard: this.dashboard(),
      };
      for (const destination of rule.notify) this.outbox.add(facts.id, rule.name, destination, bodyFor(destination, facts), now);
      if (state === "firing") group.lastNotifiedAt = now;
    }
    if (change.notice !== "repeat") {
      group.state = change.to;
      group.since = change.at;
    }
  }

  /** Repeats are numbered from the episode's start, so that a repeat's id is the same if it is made again. */
  private repeatNumber(rule: AlertRule, group: AlertGroup, now: number): number {
    return Math.max(1, Math.floor((now - group.since) / rule.repeatMs));
  }

  /** Delivers the notifications that are due, each once; a failure is retried later with backoff. */
  private async deliverDue(): Promise<void> {
    const rows = this.outbox.due(Date.now(), DELIVERIES_PER_RUN);
    if (rows.length === 0) return;
    const secret = this.settings.webhookSecret;
    const outcomes = await Promise.all(
      rows.map((row) => postNotification(this.fetcher, row.destination, row.notificationId, row.body, secret)),
    );
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      rows.forEach((row, i) => {
        const outcome = outcomes[i]!;
        const attempts = row.attempts + 1;
        if (outcome.ok) {
          this.outbox.delivered(row.id);
          this.delivery.delivered++;
        } else if (outcome.retryable === false || attempts >= DELIVERY_ATTEMPTS) {
          this.outbox.failed(row.id, attempts, `${redactDestination(row.destination)}: ${outcome.error}`);
          this.delivery.failed++;
          console.error(
            `alerts: notification ${row.notificationId} to ${redactDestination(row.destination)} given up after ${attempts} attempts: ${outcome.error}`,
          );
        } else {
          this.outbox.retryAt(
            row.id,
            attempts,
            now + backoffDelayMs(attempts, DELIVERY_BACKOFF),
            `${redactDestination(row.destination)}: ${outcome.error}`,
          );
          this.delivery.retries++;
        }
      });
      this.store.setMeta("delivery", this.delivery);
    });
  }

  /** The earliest of: a notification due, a group that may change by time alone. */
  private async scheduleAlarm(): Promise<void> {
    let next = this.outbox.nextAt();
    for (const [ruleName, groups] of this.groups) {
      const rule = this.rule(ruleName);
      if (rule === undefined) continue;
      for (const group of groups.values()) {
        const at = nextChangeAt(rule, group);
        if (at !== null && (next === null || at < next)) next = at;
      }
    }
    if (next === null || (this.alarmAt !== null && this.alarmAt <= next)) return;
    this.alarmAt = next;
    await this.ctx.storage.setAlarm(next);
  }

  private rule(name: string): AlertRule | undefined {
    if (this.rulesFor?.settings !== this.settings) {
      this.rulesFor = { settings: this.settings, byName: new Map(this.settings.rules.map((rule) => [rule.name, rule])) };
    }
    return this.rulesFor.byName.get(name);
  }

  /** PUBLIC_URL, else the origin the HTTP API was last reached at (see README, Alerts). */
  private dashboard(): string | null {
    return dashboardLink(this.settings.publicUrl ?? this.store.meta<string>("origin"));
  }

  private rememberOrigin(origin: string | undefined): void {
    if (origin === undefined || this.settings.publicUrl !== undefined || this.store.meta<string>("origin") === origin) return;
    this.store.setMeta("origin", origin);
  }

  private reload(): void {
    this.groups.clear();
    const names = new Set(this.settings.rules.map((rule) => rule.name));
    for (const group of this.store.load(names)) {
      let groups = this.groups.get(group.rule);
      if (groups === undefined) {
        groups = new Map();
        this.groups.set(group.rule, groups);
      }
      groups.set(group.key, group);
    }
    this.delivery = this.store.meta<DeliveryCounts>("delivery") ?? { delivered: 0, retries: 0, failed: 0 };
  }

  private async restore(): Promise<void> {
    this.reload();
    this.alarmAt = await this.ctx.storage.getAlarm();
    // An outbox row left by a delivery cut short is due: the alarm sends it again.
    await this.scheduleAlarm();
  }
}
