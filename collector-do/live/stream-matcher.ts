import type { WireEvent } from "../../schemas/collector-rpc";
import { compileWhere, type Predicate } from "../../schemas/filter/compile";
import { compileGlob, type Glob } from "../../schemas/filter/glob";
import type { LiveStream } from "../../schemas/live/streams";
import { envelopeScript } from "./envelope-script";
import type { PendingMatches } from "./pending-matches";
import { requiredText } from "./required-text";

interface CompiledStream {
  id: string;
  /** Decided from the wire fields alone (importance, type): no parse needed. */
  wants(importance: number, type: string): boolean;
  /** Script globs, tested on the script read from the event's JSON; null when any script will do. */
  scripts: Glob[] | null;
  /** Texts the event's JSON must hold for `where` to (checked before parsing it). */
  required: string[];
  /** The where conditions on the parsed event; null when there are none. */
  where: Predicate | null;
}

/** Past this many distinct types per importance, the memo starts over (bounded memory). */
const MAX_MEMO_TYPES = 10_000;
/**
 * With this many streams checking where conditions on one event, parsing it once costs less than
 * each stream scanning the JSON for its texts (a scan that fails reads the whole event).
 */
const PARSE_FROM_STREAMS = 3;

/** The streams that may want events of one (importance, type), and how many check where conditions. */
interface Candidates {
  streams: CompiledStream[];
  parseAtOnce: boolean;
}
const NO_CANDIDATES: Candidates = { streams: [], parseAtOnce: false };

/**
 * The open streams' filters, compiled for the collector's hot path. Per event, one map lookup on
 * (importance, type) answers the streams that may want it (memoised, so a type is tried against
 * the globs once); only events some stream wants by those fields go further. The script is read
 * from the JSON without parsing it; an event is parsed (once) only for streams with where
 * conditions: at once when several check it, otherwise only when its JSON holds the texts the
 * conditions need (required-text.ts).
 */
export class StreamMatcher {
  private readonly streams: CompiledStream[];
  private readonly memo: Map<string, Candidates>[] = [new Map(), new Map(), new Map(), new Map()];

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
      if (candidates.streams.length === 0) continue;
      let held = -1;
      let script: string | null | undefined;
      let parsed: unknown = candidates.parseAtOnce ? parse(event.json) : undefined;
      for (const stream of candidates.streams) {
        if (stream.scripts !== null) {
          if (script === undefined) {
            script = envelopeScript(event.json);
            if (script === undefined) script = scriptFrom(parsed === undefined ? (parsed = parse(event.json)) : parsed);
          }
          if (script === null || !stream.scripts.some((glob) => glob.test(script!))) continue;
        }
        if (stream.where !== null) {
          if (parsed === undefined) {
            if (!stream.required.every((text) => event.json.includes(text))) continue;
            parsed = parse(event.json);
          }
          if (parsed === null || !stream.where(parsed)) continue;
        }
        held = pending.add(stream.id, event.json, held);
      }
    }
  }

  private candidates(importance: number, type: string): Candidates {
    const memo = this.memo[importance];
    let found = memo?.get(type);
    if (found === undefined) {
      const streams = this.streams.filter((s) => s.wants(importance, type));
      found =
        streams.length === 0
          ? NO_CANDIDATES
          : { streams, parseAtOnce: streams.filter((s) => s.where !== null).length >= PARSE_FROM_STREAMS };
      if (memo !== undefined) {
        if (memo.size >= MAX_MEMO_TYPES) memo.clear();
        memo.set(type, found);
      }
    }
    return found;
  }
}

function compileStream({ id, filter }: LiveStream): CompiledStream {
  const importances = new Set<number>(filter.importances);
  const types = filter.types.map(compileGlob);
  const wants = (importance: number, type: string) =>
    (importances.size === 0 || importances.has(importance)) && (types.length === 0 || types.some((t) => t.test(type)));
  return {
    id,
    wants,
    scripts: filter.scripts.length === 0 ? null : filter.scripts.map(compileGlob),
    required: requiredText(filter.where),
    where: filter.where.length === 0 ? null : compileWhere(filter.where),
  };
}

function scriptFrom(event: unknown): string | null {
  const script = (event as { script?: unknown } | null)?.script;
  return typeof script === "string" ? script : null;
}

/** The archived event, or null for JSON the tail worker should never have produced. */
function parse(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return null;
  }
}
