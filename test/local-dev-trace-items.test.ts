import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../schemas/config/config";
import { Importance } from "../schemas/importance";
import { classifyImportance } from "../tail-worker/classify/importance";
import { parseTraceItem } from "../tail-worker/parse/trace-item";
import { fetchEvent, log, T0, traceItem } from "./helpers/trace-items";

// TraceItems as `wrangler dev` delivers them differ from deployed ones (../shared/PLATFORM.md,
// "Local development"); both must give the same archived events.
const NOW = T0 + 60_000;

describe("local-dev TraceItems", () => {
  it("takes the script from the [producer-name] prefix when scriptName is null, and strips it", () => {
    const parsed = parseTraceItem(
      traceItem({
        scriptName: null,
        logs: [
          log("log", "[example-api]", JSON.stringify({ _event: "order_placed", orderId: "o-9" })),
          log("info", "[example-api]", "cache warmed in 4ms"),
          log("warn", "[example-api]", "retrying", { attempt: 2 }),
        ],
      }),
      NOW,
    );
    expect(parsed.script).toBe("example-api");
    const [named, text, mixed] = parsed.events.slice(1);
    // With the prefix gone, each call reads exactly as its deployed twin would.
    expect(named).toMatchObject({ type: "order_placed", named: true, data: { _event: "order_placed", orderId: "o-9" } });
    expect(text).toMatchObject({ type: "console.info", text: "cache warmed in 4ms", data: {} });
    expect(mixed).toMatchObject({ type: "console.warn", text: "retrying", data: { attempt: 2 } });
  });

  it("keeps scriptName null when no log carries a prefix", () => {
    expect(parseTraceItem(traceItem({ scriptName: null, logs: [log("log", "hello")] }), NOW).script).toBeNull();
  });

  it("does not strip a deployed producer's own bracketed first argument", () => {
    // Deployed, scriptName is set and no prefix is added: "[auth]" is the producer's own text.
    const parsed = parseTraceItem(traceItem({ scriptName: "billing-api", logs: [log("log", "[auth]", "login ok")] }), NOW);
    expect(parsed.script).toBe("billing-api");
    expect(parsed.events[1]).toMatchObject({ type: "console.log", text: "[auth] login ok" });
  });

  it("classifies a locally caught uncaught exception (outcome ok, status 500, no exceptions) as HIGH", () => {
    const rules = loadConfig(env).importanceRules;
    const local = parseTraceItem(
      traceItem({ scriptName: null, outcome: "ok", exceptions: [], event: fetchEvent("GET", "http://localhost:8787/crash", 500) }),
      NOW,
    );
    const invocation = local.events[0]!;
    expect(invocation.data).toMatchObject({ trigger: "fetch", outcome: "ok", status: 500, exceptionCount: 0 });
    expect(classifyImportance(invocation, rules)).toBe(Importance.HIGH);

    // The deployed form of the same crash is CRITICAL twice over: the outcome and the exception.
    const deployed = parseTraceItem(
      traceItem({
        outcome: "exception",
        exceptions: [{ timestamp: T0, name: "Error", message: "crash" }],
        event: fetchEvent("GET", "https://api.example/crash", 500),
      }),
      NOW,
    );
    expect(deployed.events.map((e) => classifyImportance(e, rules))).toEqual([Importance.CRITICAL, Importance.CRITICAL]);
  });
});
