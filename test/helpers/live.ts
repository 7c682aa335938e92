import { env, exports } from "cloudflare:workers";
import type { LiveHub } from "../../collector-do/live/hub/live-hub";
import type { EventEnvelope } from "../../schemas/event-envelope";
import { LIVE_SUBPROTOCOL, type LiveAck, type LiveFilterInput } from "../../schemas/live/protocol";
import { LIVE_HUB_NAME, type LiveFilter } from "../../schemas/live/streams";

/** What a test client of GET /live has received, in order. */
export type Received =
  | { type: "subscribed"; stream: string; filter: LiveFilter; buffer: number; samples: number; shards: { ready: number; total: number } }
  | { type: "events"; ack: LiveAck; events: EventEnvelope[] }
  | { type: "skipped"; count: number; samples?: EventEnvelope[] }
  | { type: "error"; message: string }
  | { type: "pong" }
  | { type: "closed"; code: number };

export interface TestStream {
  ws: WebSocket;
  received: Received[];
  /** The eventKey of every event received, in order. */
  keys(): string[];
  /** Resolves with the first message from `from` on that satisfies `test` (waits up to `timeoutMs`). */
  next<T extends Received["type"]>(
    type: T,
    test?: (m: Extract<Received, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<Received, { type: T }>>;
  /** Waits until an event of every key has been received. */
  waitForKeys(keys: readonly string[], timeoutMs?: number): Promise<void>;
  subscribe(
    filter?: LiveFilterInput | string,
    options?: { buffer?: number; samples?: number },
  ): Promise<Extract<Received, { type: "subscribed" }>>;
  ack(): void;
  close(): void;
}

/**
 * What identifies an event for a test: its envelope without the ids. tail() draws a fresh random
 * invocation id for each delivery, so a test that prepares an invocation cannot know the ids its
 * events will get; their content (a unique URL, timestamps, fields) it does know.
 */
export function eventKey(event: EventEnvelope): string {
  const { id: _id, invocationId: _invocationId, ...content } = event;
  return JSON.stringify(content);
}

/**
 * Opens a live stream through the Worker's fetch (GET /live), as a client would. With `autoAck`
 * every `events` message is acknowledged at once, as the CLI and the dashboard do.
 */
export async function openStream({
  autoAck = true,
  fetcher = defaultFetch,
}: {
  autoAck?: boolean;
  fetcher?: (request: Request) => Promise<Response>;
} = {}): Promise<TestStream> {
  const response = await fetcher(
    new Request("http://do-tail/live", { headers: { upgrade: "websocket", "sec-websocket-protocol": LIVE_SUBPROTOCOL } }),
  );
  const ws = response.webSocket;
  if (response.status !== 101 || ws === null) throw new Error(`GET /live answered ${response.status}: ${await response.text()}`);
  ws.accept();
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  let lastAck: LiveAck | undefined;
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as Received;
    received.push(message);
    if (message.type === "events") {
      lastAck = message.ack;
      if (autoAck) ws.send(JSON.stringify({ type: "ack", ack: message.ack }));
    }
    notify();
  });
  ws.addEventListener("close", (event) => {
    received.push({ type: "closed", code: event.code });
    notify();
  });

  const waitFor = <T>(what: string, find: () => T | undefined, timeoutMs = 5_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return false;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${JSON.stringify(received).slice(0, 2000)}`));
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });

  let from = 0;
  const stream: TestStream = {
    ws,
    received,
    keys: () => received.flatMap((m) => (m.type === "events" ? m.events.map(eventKey) : [])),
    next<T extends Received["type"]>(type: T, test?: (m: Extract<Received, { type: T }>) => boolean, timeoutMs?: number) {
      return waitFor<Extract<Received, { type: T }>>(
        `a ${type} message`,
        () => {
          for (let i = from; i < received.length; i++) {
            const m = received[i]!;
            if (m.type === type && (test === undefined || test(m as Extract<Received, { type: T }>))) {
              from = i + 1;
              return m as Extract<Received, { type: T }>;
            }
          }
          return undefined;
        },
        timeoutMs,
      );
    },
    async waitForKeys(keys, timeoutMs) {
      await waitFor(`events ${keys.join(", ")}`, () => (keys.every((key) => stream.keys().includes(key)) ? true : undefined), timeoutMs);
    },
    async subscribe(filter, options = {}) {
      const start = received.length;
      ws.send(JSON.stringify({ type: "subscribe", filter, ...options }));
      const answer = await waitFor("subscribed", () => received.slice(start).find((m) => m.type === "subscribed" || m.type === "error"));
      from = received.indexOf(answer) + 1;
      if (answer.type === "error") throw new Error(answer.message);
      return answer as Extract<Received, { type: "subscribed" }>;
    },
    ack() {
      if (lastAck) ws.send(JSON.stringify({ type: "ack", ack: lastAck }));
    },
    close() {
      ws.close(1000, "test done");
    },
  };
  return stream;
}

function defaultFetch(request: Request): Promise<Response> {
  return exports.default.fetch(request);
}

export function liveHub(): DurableObjectStub<LiveHub> {
  return env.LIVE_HUB.get(env.LIVE_HUB.idFromName(LIVE_HUB_NAME)) as unknown as DurableObjectStub<LiveHub>;
}
