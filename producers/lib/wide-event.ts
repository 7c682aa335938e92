import type { KnownEventFields, KnownEventName } from "../../schemas/catalog/registry";

/**
 * Wide events for producer Workers: build one event through a unit of work (a request, a
 * WebSocket session, a job) and emit it once, as one JSON line, at the end. do-tail names it by
 * `_event`, validates it when the name is in its catalog, and archives every field unchanged, so
 * add as many high-cardinality fields as are useful. No runtime dependency: the catalog is
 * imported for its types only.
 */

export const REQUEST_ID_HEADER = "x-request-id";
export const CORRELATION_ID_HEADER = "x-correlation-id";

/** Ids that tie events together: the request that started the work, and the whole user action. */
export interface Correlation {
  requestId: string;
  correlationId: string;
}

/**
 * The ids of an incoming call: taken from x-request-id / x-correlation-id when a caller set them,
 * new otherwise (the correlation id then starts as the request id).
 */
export function correlationFrom(headers: Headers): Correlation {
  const requestId = headers.get(REQUEST_ID_HEADER) ?? newId();
  return { requestId, correlationId: headers.get(CORRELATION_ID_HEADER) ?? requestId };
}

/** Headers that carry the ids on to a downstream call (fetch, service binding, Durable Object). */
export function correlationHeaders(correlation: Correlation): Record<string, string> {
  return { [REQUEST_ID_HEADER]: correlation.requestId, [CORRELATION_ID_HEADER]: correlation.correlationId };
}

export function newId(): string {
  return crypto.randomUUID();
}

/** A known event's catalog fields (all optional while it is being built), plus anything else. */
export type WideEventFields<N extends string> = N extends KnownEventName
  ? Partial<KnownEventFields<N>> & Record<string, unknown>
  : Record<string, unknown>;

export type Outcome = "ok" | "error";

/** Where the finished event goes; console.log of its JSON unless told otherwise. */
export type EmitTarget = (event: Record<string, unknown>) => void;

const logLine: EmitTarget = (event) => console.log(JSON.stringify(event));

export class WideEvent<N extends string> {
  private readonly fields: Record<string, unknown>;
  private readonly startedAt = Date.now();
  private outcome: Outcome = "ok";
  private emitted = false;

  constructor(
    readonly name: N,
    correlation: Correlation,
    fields: WideEventFields<N> = {} as WideEventFields<N>,
  ) {
    this.fields = { requestId: correlation.requestId, correlationId: correlation.correlationId, ...fields };
  }

  /** Adds or replaces fields. */
  set(fields: WideEventFields<N>): this {
    Object.assign(this.fields, fields);
    return this;
  }

  /** Adds `by` to a numeric field (starting from 0). */
  increment(field: string, by = 1): this {
    const current = this.fields[field];
    this.fields[field] = (typeof current === "number" ? current : 0) + by;
    return this;
  }

  /** Adds `by` to one key of a record field, e.g. messagesByType.toggle_step. */
  incrementIn(field: string, key: string, by = 1): this {
    const current = this.fields[field];
    const record = (typeof current === "object" && current !== null ? current : {}) as Record<string, number>;
    record[key] = (record[key] ?? 0) + by;
    this.fields[field] = record;
    return this;
  }

  /** Marks the unit of work failed; `error` is the message, `errorType` the error's name. */
  fail(error: unknown): this {
    this.outcome = "error";
    this.fields.error = error instanceof Error ? error.message : String(error);
    if (error instanceof Error) this.fields.errorType = error.name;
    return this;
  }

  get failed(): boolean {
    return this.outcome === "error";
  }

  elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  /**
   * Emits the event once; later calls do nothing and answer undefined. Timing and outcome come
   * first so that fields the producer set (a catalog `outcome`, its own `durationMs`) win; the
   * name comes last so that no field can rename the event.
   */
  emit(target: EmitTarget = logLine): Record<string, unknown> | undefined {
    if (this.emitted) return undefined;
    this.emitted = true;
    const now = Date.now();
    const event = {
      timestamp: now,
      startTime: this.startedAt,
      durationMs: now - this.startedAt,
      outcome: this.outcome,
      ...this.fields,
      _event: this.name,
    };
    target(event);
    return event;
  }
}
