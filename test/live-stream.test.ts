import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../tail-worker/index";
import { openStream, type TestStream } from "./helpers/live";
import { toWireEvents } from "./helpers/pipeline";
import { fetchEvent, logAt, T0, traceItem } from "./helpers/trace-items";

const open: TestStream[] = [];
afterEach(() => {
  for (const stream of open.splice(0)) stream.close();
});

async function stream(options?: Parameters<typeof openStream>[0]): Promise<TestStream> {
  const s = await openStream(options);
  open.push(s);
  return s;
}

/** One producer invocation logging these wide events; answers the TraceItem and the ids its events get. */
function invocation(script: string, events: Record<string, unknown>[], at = Date.now()) {
  const item = traceItem({
    scriptName: script,
    eventTimestamp: at,
    event: fetchEvent("POST", `https://${script}.example/${crypto.randomUUID()}`, 200),
    logs: events.map((e, i) => logAt(at + i + 1, "log", JSON.stringify(e))),
  });
  const ids = Object.fromEntries(toWireEvents([item]).map((e) => [e.type === "invocation" ? "invocation" : e.type, e.id]));
  return { item, ids };
}

const tail = (items: unknown[]) => worker.tail(items as TraceItem[], env);

describe("GET /live", () => {
  it("delivers an event tail() stored to a subscribed WebSocket", async () => {
    const s = await stream();
    const subscribed = await s.subscribe({ type: "live_first_*" });
    expect(subscribed.shards).toEqual({ ready: 1, total: 1 });
    expect(subscribed.filter).toEqual({ types: ["live_first_*"], importances: [], scripts: [], where: [] });

    const { item, ids } = invocation("shop-api", [{ _event: "live_first_order", orderId: "o-1" }]);
    const started = performance.now();
    await tail([item]);
    const message = await s.next("events");
    console.log(`live: tail() to WebSocket in ${Math.round(performance.now() - started)} ms (not asserted; see npm run bench)`);
    expect(message.events.map((e) => e.id)).toEqual([ids.live_first_order]);
    expect(message.events[0]).toMatchObject({ type: "live_first_order", script: "shop-api", data: { orderId: "o-1" } });
  });
});
