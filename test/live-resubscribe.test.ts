import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { TailCollector } from "../collector-do/tail-collector";
import { collectorShard } from "../schemas/collector-shards";
import type { LiveDelivery } from "../schemas/live/streams";
import { alertEvents } from "./helpers/alerts";
import { openStream, type TestStream } from "./helpers/live";

const open: TestStream[] = [];
afterEach(() => {
  for (const stream of open.splice(0)) stream.close();
});
const shard0 = () => collectorShard(env, 0) as unknown as DurableObjectStub<TailCollector>;

async function idle(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await runInDurableObject(shard0(), (c: TailCollector) => c.live.idle)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// `subscribed` marks where a new filter starts: what a shard matched against the old one and
// delivers later is not sent.
describe("a stream subscribing again", () => {
  it("gets no event of its old filter after `subscribed` confirms the new one", async () => {
    const stream = await openStream();
    open.push(stream);
    await stream.subscribe({ type: "resub_old_*" });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The shard's delivery of old-filter matches is held on its way until after the new subscription.
    await runInDurableObject(shard0(), (c: TailCollector) => {
      const real = c.live.hub;
      c.live.hub = () => ({
        async deliver(delivery: LiveDelivery) {
          await gate;
          return real().deliver(delivery);
        },
      });
    });
    await shard0().ingest({ events: alertEvents(3, { type: "resub_old_x" }) });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await stream.subscribe({ type: "resub_new_*" });
    release();
    await idle();
    await shard0().ingest({ events: alertEvents(2, { type: "resub_new_y" }) });
    await idle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const from = stream.received.findIndex((m) => m.type === "subscribed" && m.filter.types[0] === "resub_new_*");
    const types = stream.received.slice(from).flatMap((m) => (m.type === "events" ? m.events.map((e) => e.type) : []));
    expect(types).toEqual(["resub_new_y", "resub_new_y"]);
  });
});
