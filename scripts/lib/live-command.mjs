import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { backoffDelayMs } from "../../schemas/lib/backoff.ts";
import { LIVE_SUBPROTOCOL } from "../../schemas/live/protocol.ts";
import { doTailClient } from "./do-tail-client.mjs";

/**
 * `npm run archives -- live`: events as the collectors store them, from every shard, filtered by
 * do-tail before they are sent (GET /live, a WebSocket). Prints NDJSON, one event per line, as
 * they arrive; reconnects with backoff when the connection drops; Ctrl-C ends it cleanly. For
 * archived history use `events` or `follow`.
 */
export const LIVE_USAGE = `npm run archives -- live [filters] [options]

Streams events as do-tail stores them (before any flush), filtered by do-tail, as NDJSON.

filters (all must hold; a filter given twice matches either value)
  --type T          event type; * matches anything (e.g. 'ws_*'), case-insensitive
  --importance N    0-3 or CRITICAL, HIGH, NORMAL, LOW
  --script S        script name; * matches anything
  --where F=V       field condition as in /query, repeatable; also F!=V, F>V, F>=V, F<V, F<=V, F~V (contains)

options
  --url URL         do-tail's address (default http://localhost:8788)
  --token TOKEN     admin token (or set DO_TAIL_TOKEN)
  --buffer N        events do-tail sends ahead of this client before it skips (default 1000, at most 5000)
  --samples N       when events are skipped, show up to N of them (0-20, default 0)
  --limit N         stop after N events
  -h, --help        this text

Skipped events (the client fell behind) are reported on stderr. Exit status: 0 on Ctrl-C or
--limit, 1 when not authorised, 2 for bad arguments or a filter do-tail refuses.`;

const RECONNECT = { baseDelayMs: 500, maxDelayMs: 30_000, minDelayMs: 250 };
/** Acknowledge at most this often: every acknowledgement is a billed request to the hub. */
const ACK_EVERY_MS = 200;

export class LiveUsageError extends Error {}

/** argv after `live` as { filter, options }; throws LiveUsageError. */
export function parseLiveArgs(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        url: { type: "string", default: "http://localhost:8788" },
        token: { type: "string" },
        type: { type: "string", multiple: true, default: [] },
        importance: { type: "string", multiple: true, default: [] },
        script: { type: "string", multiple: true, default: [] },
        where: { type: "string", multiple: true, default: [] },
        buffer: { type: "string" },
        samples: { type: "string" },
        limit: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new LiveUsageError(error.message);
  }
  const { values } = parsed;
  let url;
  try {
    url = new URL(values.url);
  } catch {
    throw new LiveUsageError(`--url "${values.url}" is not a URL`);
  }
  const filter = {};
  if (values.type.length > 0) filter.type = values.type;
  if (values.importance.length > 0) filter.importance = values.importance;
  if (values.script.length > 0) filter.script = values.script;
  if (values.where.length > 0) filter.where = values.where;
  return {
    help: values.help,
    filter,
    url: url.href.replace(/\/$/, ""),
    token: values.token,
    buffer: values.buffer === undefined ? undefined : whole("--buffer", values.buffer, 1),
    samples: values.samples === undefined ? undefined : whole("--samples", values.samples, 0),
    limit: values.limit === undefined ? undefined : whole("--limit", values.limit, 1),
  };
}

function whole(name, text, min) {
  if (!/^\d+$/.test(text) || Number(text) < min)
    throw new LiveUsageError(`${name} must be a whole number of at least ${min}, not "${text}"`);
  return Number(text);
}

/** The WebSocket address of GET /live for do-tail at `url`. */
export function liveUrl(url) {
  const ws = new URL("/live", url);
  ws.protocol = ws.protocol === "https:" ? "wss:" : "ws:";
  return ws.href;
}

/**
 * Runs the stream until `signal` aborts (Ctrl-C), --limit is reached or a final error; answers
 * the exit status. Output goes through `out` (NDJSON) and `err` (status lines).
 */
export async function runLive(argv, { out = process.stdout, err = process.stderr, signal, WebSocketImpl = globalThis.WebSocket } = {}) {
  let args;
  try {
    args = parseLiveArgs(argv);
  } catch (error) {
    if (!(error instanceof LiveUsageError)) throw error;
    err.write(`live: ${error.message}\n(npm run archives -- live --help lists the options)\n`);
    return 2;
  }
  if (args.help) {
    out.write(`${LIVE_USAGE}\n`);
    return 0;
  }
  if (typeof WebSocketImpl !== "function") {
    err.write("live: this Node has no global WebSocket; run it through npm (npm run archives -- live) for Node 22\n");
    return 1;
  }
  const client = doTailClient(args.url, args.token ?? process.env.DO_TAIL_TOKEN);
  let printed = 0;
  let failures = 0;
  for (;;) {
    if (signal?.aborted) return 0;
    const outcome = await connectOnce();
    if (outcome.exit !== undefined) return outcome.exit;
    failures = outcome.subscribed ? 1 : failures + 1;
    const wait = backoffDelayMs(failures, RECONNECT);
    err.write(`live: ${outcome.reason}; reconnecting in ${(wait / 1000).toFixed(1)} s\n`);
    try {
      await sleep(wait, undefined, { signal });
    } catch {
      return 0;
    }
  }

  /** One connection: answers { exit } to stop, or { reason, subscribed } to reconnect. */
  async function connectOnce() {
    let ticket;
    try {
      ticket = await client.liveTicket();
    } catch (error) {
      if (error.kind === "unauthorised") {
        err.write(`live: ${error.message}\n`);
        return { exit: 1 };
      }
      return { reason: error.message, subscribed: false };
    }
    return new Promise((resolve) => {
      const ws = new WebSocketImpl(liveUrl(args.url), ticket.protocols ?? [LIVE_SUBPROTOCOL]);
      let subscribed = false;
      let settled = false;
      let lastAck;
      let ackedAt = 0;
      let ackTimer;
      const finish = (result) => {
        if (settled) return;
        settled = true;
        clearTimeout(ackTimer);
        signal?.removeEventListener("abort", onAbort);
        if (ws.readyState === 0 || ws.readyState === 1) ws.close(1000, "client done");
        resolve(result);
      };
      const onAbort = () => finish({ exit: 0 });
      signal?.addEventListener("abort", onAbort, { once: true });

      const sendAck = () => {
        ackTimer = undefined;
        if (lastAck === undefined || ws.readyState !== 1) return;
        ws.send(JSON.stringify({ type: "ack", ack: lastAck }));
        ackedAt = Date.now();
        lastAck = undefined;
      };
      /** Acknowledges once the output took the events (a slow pipe slows the stream, never do-tail). */
      const acknowledge = (ack) => {
        lastAck = ack;
        const wait = Math.max(0, ackedAt + ACK_EVERY_MS - Date.now());
        const ready = () => {
          if (wait === 0) sendAck();
          else ackTimer ??= setTimeout(sendAck, wait);
        };
        if (out.writableNeedDrain) out.once("drain", ready);
        else ready();
      };

      ws.addEventListener("open", () => {
        const subscribe = { type: "subscribe", filter: args.filter };
        if (args.buffer !== undefined) subscribe.buffer = args.buffer;
        if (args.samples !== undefined) subscribe.samples = args.samples;
        ws.send(JSON.stringify(subscribe));
      });
      ws.addEventListener("message", (event) => {
        let message;
        try {
          message = JSON.parse(String(event.data));
        } catch {
          return;
        }
        if (message.type === "events") {
          for (const e of message.events) {
            out.write(`${JSON.stringify(e)}\n`);
            if (args.limit !== undefined && ++printed >= args.limit) return finish({ exit: 0 });
          }
          acknowledge(message.ack);
        } else if (message.type === "skipped") {
          err.write(`live: ${message.count} events skipped: this client fell behind (or a shard's bounds were reached)\n`);
          for (const sample of message.samples ?? []) err.write(`live: sample of the skipped: ${JSON.stringify(sample)}\n`);
        } else if (message.type === "subscribed") {
          subscribed = true;
          const { ready, total } = message.shards;
          err.write(
            `live: streaming from ${args.url}${ready < total ? ` (${total - ready} of ${total} shards not reached yet)` : ""} (Ctrl-C to stop)\n`,
          );
        } else if (message.type === "error") {
          err.write(`live: do-tail refused: ${message.message}\n`);
          if (!subscribed) finish({ exit: 2 });
        }
      });
      ws.addEventListener("close", (event) => {
        finish({ reason: `the stream closed (${event.code}${event.reason ? ` ${event.reason}` : ""})`, subscribed });
      });
      ws.addEventListener("error", () => {
        finish({ reason: `could not hold a WebSocket to ${liveUrl(args.url)}`, subscribed });
      });
    });
  }
}
