import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { Importance } from "../schemas/importance";
import { classifyImportance, importanceMemoOf } from "../tail-worker/classify/importance";
import { newParsedEvent } from "../tail-worker/parse/parsed-event";
import { redactorFor } from "../tail-worker/redact/redact-fields";
import { toWireEvents } from "../tail-worker/tail-handler";
import { typeFactsFor } from "../tail-worker/type-facts";
import { log, T0, traceItem } from "./helpers/trace-items";

// What the tail path decides from an event's type is worked out once per type and configuration
// (tail-worker/type-facts.ts): the answers must be each configuration's own, and the same as the
// steps decide them one by one.

const configOf = (vars: Partial<Env>) => loadConfig({ ...env, ...vars } as Env);
const line = (fields: Record<string, unknown>) => traceItem({ logs: [log("log", JSON.stringify(fields))] });
const archived = (items: unknown[], config: ReturnType<typeof loadConfig>) =>
  toWireEvents(items, config, T0)
    .filter((event) => event.kind === "log")
    .map((event) => JSON.parse(event.json));

describe("facts of an event's type", () => {
  it("are each configuration's own, however the calls of several configurations interleave", () => {
    const plain = configOf({});
    const dropped = configOf({ SAMPLING: JSON.stringify({ rates: { heartbeat: 0 } }) });
    const loud = configOf({ IMPORTANCE_RULES: JSON.stringify([{ when: { type: "heartbeat" }, importance: 0, why: "paged" }]) });
    const forwarded = configOf({ ANALYTICS_ENABLED: "true" });
    const beat = line({ _event: "heartbeat", timestamp: T0, monitorId: "m", orgId: "o", region: "weur", status: "up", latencyMs: 4 });
    for (let round = 0; round < 3; round++) {
      expect(archived([beat], plain)).toHaveLength(1);
      expect(archived([beat], dropped)).toHaveLength(0);
      expect(archived([beat], loud)[0].importance).toBe(Importance.CRITICAL);
      expect(archived([beat], plain)[0].importance).not.toBe(Importance.CRITICAL);
      const [sent] = toWireEvents([beat], forwarded, T0).filter((event) => event.kind === "log");
      expect(sent?.analytics?.mapping).toBe("heartbeat");
      expect(toWireEvents([beat], plain, T0).some((event) => event.analytics !== undefined)).toBe(false);
    }
  });

  it("name the type as archived, redacted, and decide the rest from that name", () => {
    const config = configOf({});
    const facts = typeFactsFor(config, redactorFor(config.security));
    const secretType = "AI.Generation.completed sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    const named = facts(secretType);
    expect(named.name).not.toContain("sk_live_4eC39HqLyjWDarjtT1zdp7dc");
    expect(named.name).toContain("[REDACTED]");
    expect(named.catalog).toBeUndefined();
    const known = facts("AI.Generation.completed");
    expect(known).toEqual(expect.objectContaining({ name: "AI.Generation.completed", namespace: "AI", rate: 1 }));
    expect(known.catalog?.check).toBeTypeOf("function");
    const [event] = archived([line({ _event: secretType, id: "g" })], config);
    expect(event.type).toBe(named.name);
    expect(JSON.stringify(event)).not.toContain("sk_live_4eC39HqLyjWDarjtT1zdp7dc");
  });

  it("keep a type's importance memo bounded, whatever levels its events come at", () => {
    const rules = configOf({}).importanceRules;
    const memo = importanceMemoOf(rules, "checkout_completed")!;
    for (let i = 0; i < 500; i++) {
      const event = newParsedEvent("log", "checkout_completed", T0, true, {}, `level-${i}`);
      expect(classifyImportance(event, rules, memo)).toBe(Importance.NORMAL);
    }
    expect(memo.size).toBeLessThanOrEqual(64);
    const error = newParsedEvent("log", "checkout_completed", T0, true, {}, "error");
    expect(classifyImportance(error, rules, memo)).toBe(classifyImportance(error, rules));
  });
});
