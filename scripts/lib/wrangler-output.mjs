/**
 * What `npm run dev` reads in a `wrangler dev` line (wrangler 4.164, miniflare's dev registry).
 * Each reader takes one raw line (ANSI colours included) and answers undefined when the line is
 * not of its kind.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes in wrangler's output
const ANSI = /\x1b\[[0-9;]*m/g;

export const stripAnsi = (text) => text.replace(ANSI, "");

/** `Ready on http://localhost:8790`: the URL the worker answers on. */
export function readyUrl(line) {
  return /Ready on (http:\/\/\S+)/.exec(stripAnsi(line))?.[1];
}

/**
 * `- do-tail [connected]` / `- do-tail [not connected]` under "…sending Tail events to the following
 * Workers:". wrangler prints it at start and again whenever the dev registry changes.
 */
export function tailConsumerStatus(line) {
  const match = /^\s*- (\S+)(?: \(streaming\))? \[(connected|not connected)\]\s*$/.exec(stripAnsi(line));
  return match ? { service: match[1], connected: match[2] === "connected" } : undefined;
}

/**
 * `[dev-registry] Failed to forward tail events to "do-tail": Network connection lost`: the
 * producer's runtime could not hand one tail delivery (the TraceItems of one invocation) to the
 * consumer, and nothing retries it: those events are lost.
 */
export function forwardFailure(line) {
  const match = /Failed to forward tail events to "?([^":\s]+)"?:?\s*(.*)$/.exec(stripAnsi(line));
  return match ? { service: match[1], reason: match[2].trim() || "no reason given" } : undefined;
}

/** `✘ [ERROR] Address already in use (localhost:8790). …`: the address and its port. */
export function addressInUse(line) {
  const match = /Address already in use \(([^)]*?)(?::(\d+))?\)/.exec(stripAnsi(line));
  return match ? { address: match[2] ? `${match[1]}:${match[2]}` : match[1], port: match[2] ? Number(match[2]) : undefined } : undefined;
}

/** `✘ [ERROR] <message>`: the first sentence-sized part of wrangler's error, for a one-line report. */
export function errorMessage(line) {
  const match = /\[ERROR\]\s*(.+)$/.exec(stripAnsi(line));
  return match ? match[1].trim() : undefined;
}
