import type { EventKind } from "../../schemas/event-envelope";

/** An event as read from a TraceItem, before it is classified and given its id. */
export interface ParsedEvent {
  type: string;
  kind: EventKind;
  timestamp: number;
  /** The producer named it with `_event`. */
  named: boolean;
  level?: string;
  channel?: string;
  text?: string;
  parseError?: string;
  /**
   * The log line `data` was strictly parsed from: the archive keeps it byte for byte where it
   * says the same more exactly (integers beyond 2^53, `1.0`) and holds no key its parse dropped.
   * Dropped as soon as anything in `data` changes.
   */
  raw?: string;
  /** A part of the item that could not be read: archived as a marked text event (counted as text). */
  unreadable?: true;
  data: Record<string, unknown>;
}

/** What one TraceItem turned into: its events, invocation event first. */
export interface ParsedTraceItem {
  script: string | null;
  events: ParsedEvent[];
}
