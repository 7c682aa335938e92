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
  /**
   * The text joins several console arguments, so a secret's name and its value may stand apart
   * (`console.log("token", token)` prints "token abc123").
   */
  argsJoined?: true;
  parseError?: string;
  /**
   * The log line `data` was strictly parsed from: the archive keeps it byte for byte where it
   * says the same more exactly (integers beyond 2^53, `1.0`). Redaction drops it when anything in
   * `data` changes or the line holds a key its parse dropped (see redactEvent).
   */
  raw?: string;
  /** A part of the item that could not be read: archived as a marked text event (counted as text). */
  unreadable?: true;
  data: Record<string, unknown>;
}

/**
 * A new event with every field present, undefined where it has no value: all events then share
 * one object shape, so each later step reads their fields at one place instead of looking them up
 * among many shapes. The fields later steps set on the same object (importance, namespace,
 * sampleRate, validation, analytics: see ClassifiedEvent) are made here too, so that setting
 * them neither changes the shape nor grows the object. Every event of the tail path is made here.
 */
export function newParsedEvent(
  kind: EventKind,
  type: string,
  timestamp: number,
  named: boolean,
  data: Record<string, unknown>,
  level?: string,
): ParsedEvent {
  const event = {
    type,
    kind,
    timestamp,
    named,
    level,
    channel: undefined,
    text: undefined,
    argsJoined: undefined,
    parseError: undefined,
    raw: undefined,
    unreadable: undefined,
    data,
    importance: undefined,
    namespace: undefined,
    sampleRate: undefined,
    validation: undefined,
    analytics: undefined,
  };
  return event;
}

/** What one TraceItem turned into: its events, invocation event first. */
export interface ParsedTraceItem {
  script: string | null;
  events: ParsedEvent[];
}
