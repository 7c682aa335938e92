import type { WireEvent } from "../../schemas/collector-rpc";
import { globToRegExp } from "../../schemas/lib/glob";
import type { LiveFilter, LiveStream } from "../../schemas/live/streams";
// The /query filter language; the lead re-points this import when it moves into schemas/.
import { compileWhere, type Predicate } from "../../tail-worker/query/filters";
import type { PendingMatches } from "./pending-matches";
import { requiredText } from "./required-text";

interface CompiledStream {
  id: string;
  /** Decided from the wire fields alone (importance, type): no parse needed. */
  wants(importance: number, type: string): boolean;
  /** Texts the event's JSON must hold for `body` to (checked before parsing it). */
  required: string[];
  /** Conditions on the archived event (script, where); null when there are none. */
  body: Predicate | null;
}

/** Past this many distinct types per importance, the memo starts over (bounded memory). */
const MAX_MEMO_TYPES = 10_000;

/**
 * The open streams' filters, compiled for the collector's hot path. Per event, one map lookup on
 * (importance, type) answers the streams that may want it (memoised, so a type is tried against
 * the globs once); only events some stream wants by those fields go further, and an event is
 * parsed (once) only when such a stream has conditions on other fields and the event's JSON holds
 * the texts those conditions need (see required-text.ts).
 */
export class StreamMatcher {
  private readonly streams: CompiledStream[];
  private readonly memo: Map<string, CompiledStream[]>[] = [new Map(), new Map(), new Map(), new Map()];

  constructor(streams: readonly LiveStream[]) {
    this.streams = streams.flatMap((stream) => {
      try {
        return [compileStream(stream)];
      } catch (error) {
        // The hub validated the filter; one that still fails to compile must not stop the others.
        console.error(`live: stream ${stream.id} has a filter the collector cannot use: ${String(error)}`);
        return [];
      }
    });
  }

  get empty(): boolean {
    return this.streams.length === 0;
  }

  /** Adds every event some stream wants to `pending`. */
  match(events: readonly WireEvent[], pending: PendingMatches): void {
    for (const event of events) {
      const candidates = this.candidates(event.importance, event.type);
      if (candidates.length === 0) continue;
      let held = -1;
      let parsed: unknown;
      for (const stream of candidates) {
        if (stream.body !== null) {
          if (!stream.required.every((text) => event.json.includes(text))) continue;
          if (parsed === undefined) parsed = parse(event.json);
          if (parsed === null || !stream.body(parsed)) continue;
        }
        held = pending.add(stream.id, event.json, held);
      }
    }
  }

  private candidates(importance: number, type: string): CompiledStream[] {
    const memo = this.memo[importance];
    if (memo === undefined) return this.streams.filter((s) => s.wants(importance, type));
    let found = memo.get(type);
    if (found === undefined) {
      if (memo.size >= MAX_MEMO_TYPES) memo.clear();
      found = this.streams.filter((s) => s.wants(importance, type));
      memo.set(type, found);
    }
    return found;
  }
}

function compileStream({ id, filter }: LiveStream): CompiledStream {
  const importances = new Set<number>(filter.importances);
  const types = filter.types.map(globToRegExp);
  const wants = (importance: number, type: string) =>
    (importances.size === 0 || importances.has(importance)) && (types.length === 0 || types.some((t) => t.test(type)));
  return { id, wants, required: requiredText(filter.where), body: bodyPredicate(filter) };
}

function bodyPredicate(filter: LiveFilter): Predicate | null {
  const scripts = filter.scripts.map(globToRegExp);
  const where = filter.where.length === 0 ? null : compileWhere(filter.where);
  if (scripts.length === 0 && where === null) return null;
  return (event) => {
    if (scripts.length > 0) {
      const script = (event as { script?: unknown }).script;
      if (typeof script !== "string" || !scripts.some((s) => s.test(script))) return false;
    }
    return where === null || where(event);
  };
}

/** The archived event, or null for JSON the tail worker should never have produced. */
function parse(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return null;
  }
}
