import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { handleTail } from "../tail-worker/tail-handler";
import { log, traceItem } from "./helpers/trace-items";

// If do-tail is ever made a producer of itself, its own invocations are skipped: no loop forms.
describe("do-tail's own invocations", () => {
  it("skips TraceItems of do-tail itself and counts them", async () => {
    const own = traceItem({ scriptName: "do-tail", logs: [log("log", "self")] });
    const ownTailLocally = traceItem({ scriptName: null, event: { consumedEvents: [{ scriptName: "x" }] } });
    const producer = traceItem({ scriptName: "shop", logs: [log("log", "hello")] });
    const summary = await handleTail([own, ownTailLocally, producer], env);
    expect(summary.ownInvocations).toBe(2);
    expect(summary.events).toBe(2);
    expect(summary.accepted + summary.duplicates).toBe(2);
  });
});
