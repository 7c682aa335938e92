import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { handleTail } from "../tail-worker/tail-handler";
import { wrappedNamespace } from "./helpers/collector-namespace";
import { log, traceItem } from "./helpers/trace-items";

const ns = () => wrappedNamespace(`self-${crypto.randomUUID()}`);

// If do-tail is ever made a producer of itself, its own invocations are skipped, whatever name it
// was deployed under: no loop forms.
describe("do-tail's own invocations", () => {
  it("has a version id of its own to recognise itself by", () => {
    expect(env.CF_VERSION_METADATA?.id).toMatch(/\S/);
  });

  it("skips every invocation of this version, under any Worker name", async () => {
    const version = { id: env.CF_VERSION_METADATA!.id, tag: "", message: "" };
    const own = [
      traceItem({ scriptName: "observability-tail", scriptVersion: version, logs: [log("log", "dashboard poll")] }),
      traceItem({ scriptName: "observability-tail", scriptVersion: version, event: { consumedEvents: [{ scriptName: "shop" }] } }),
    ];
    const summary = await handleTail(own, ns().env);
    expect(summary).toMatchObject({ ownInvocations: 2, events: 0 });
  });

  it("skips the collector's invocations (entrypoint TailCollector) and a tail handler consuming its own script, under any name", async () => {
    const collectorCall = traceItem({
      scriptName: "renamed-tail",
      scriptVersion: { id: "another-version" },
      entrypoint: "TailCollector",
      executionModel: "durableObject",
      event: { rpcMethod: "ingest" },
    });
    const collectorAlarm = traceItem({
      scriptName: "renamed-tail",
      entrypoint: "TailCollector",
      executionModel: "durableObject",
      event: { scheduledTime: 1 },
    });
    const selfTail = traceItem({
      scriptName: "renamed-tail",
      scriptVersion: { id: "another-version" },
      event: { consumedEvents: [{ scriptName: "renamed-tail" }] },
    });
    const ownTailLocally = traceItem({ scriptName: null, event: { consumedEvents: [{ scriptName: "x" }] } });
    const summary = await handleTail([collectorCall, collectorAlarm, selfTail, ownTailLocally], ns().env);
    expect(summary).toMatchObject({ ownInvocations: 4, events: 0 });
  });

  it("archives producers, even one named do-tail, and another tail worker's invocations", async () => {
    const producers = [
      traceItem({ scriptName: "shop", logs: [log("log", "hello")] }),
      traceItem({ scriptName: "do-tail", scriptVersion: { id: "someone-elses-worker" }, logs: [log("log", "not us")] }),
      traceItem({ scriptName: "their-tail-worker", event: { consumedEvents: [{ scriptName: "shop" }] } }),
      traceItem({ scriptName: "shop", entrypoint: "ShopObject", executionModel: "durableObject", event: { rpcMethod: "buy" } }),
    ];
    const summary = await handleTail(producers, ns().env);
    expect(summary).toMatchObject({ ownInvocations: 0, events: 6, accepted: 6 });
  });
});
