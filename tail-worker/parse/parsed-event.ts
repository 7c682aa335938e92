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
  /** The log line as it arrived, kept so an event that cannot be re-serialised is archived as text. */
  raw?: string;
  data: Record<string, unknown>;
}

/** What one TraceItem turned into: its events, invocation event first. */
export interface ParsedTraceItem {
  script: string | null;
  /** Cheap identity of the invocation (script, trigger, timings, counts); part of every event id. */
  fingerprint: string;
  events: ParsedEvent[];
}
