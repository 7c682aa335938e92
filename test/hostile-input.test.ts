import { env, exports } from "cloudflare:workers";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { EventEnvelope } from "../schemas/event-envelope";
import { UNREADABLE_TYPE } from "../tail-worker/parse/trace-item";
import { chunkIntoBatches } from "../tail-worker/route/batches";
import { handleTail, toWireEvents } from "../tail-worker/tail-handler";
import { collector, overrideCollectorConfig } from "./helpers/collector";
import { expectedEventCount, hostileCorpus, PLANTED_SECRET } from "./helpers/hostile-corpus";
import { log, T0, traceItem } from "./helpers/trace-items";

const FAST = { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 };
const expected = (c: { item: unknown; events?: number }) => c.events ?? expectedEventCount(c.item);
const parseAll = (items: unknown[], settings: Partial<Env> = {}) =>
  toWireEvents(items, loadConfig({ ...env, ...settings } as Env), Date.now()).map((e) => ({
    wire: e,
    event: v.parse(EventEnvelope, JSON.parse(e.json)),
  }));

// Whatever arrives, tail() does not throw, and every input is archived or counted with a reason.
describe("hostile TraceItems", () => {
  it("has a corpus of at least 300 items", () => {
    expect(hostileCorpus().length).toBeGreaterThanOrEqual(300);
  });

  it("never throws out of the tail path, which the worker entry relies on", { timeout: 120_000 }, async () => {
    await expect(
      handleTail(
        hostileCorpus().map((c) => c.item),
        env,
        FAST,
      ),
    ).resolves.toMatchObject({ undelivered: 0 });
  });

  it("hands every event of every item to the collector, which stores it", { timeout: 120_000 }, async () => {
    const corpus = hostileCorpus();
    const total = corpus.reduce((sum, c) => sum + expected(c), 0);
    const summary = await handleTail(
      corpus.map((c) => c.item),
      env,
      FAST,
    );
    expect(summary.events).toBe(total);
    expect(summary.undelivered).toBe(0);
    expect(summary.accepted).toBe(total);
  });

  it("costs an odd value its own part at most: one invocation record per item, every part in its place", { timeout: 120_000 }, () => {
    for (const c of hostileCorpus()) {
      const events = parseAll([c.item]).map((e) => e.event);
      expect(events, c.name).toHaveLength(expected(c));
      expect(events[0]!.kind, c.name).toBe("invocation");
      expect(
        events.filter((e) => e.kind === "invocation"),
        c.name,
      ).toHaveLength(1);
      // A part that could not be read is marked where it was, never the whole item.
      for (const event of events.filter((e) => e.type === UNREADABLE_TYPE)) {
        expect(event.parseError, c.name).toMatch(/^unreadable (invocation|log|exception|diagnostic): /);
        expect(event.text, c.name).toMatch(/could not be read/);
      }
    }
  });

  it("never archives a planted secret, nor a raw TraceItem, whatever breaks around it", { timeout: 120_000 }, () => {
    for (const c of hostileCorpus()) {
      for (const { wire } of parseAll([c.item])) {
        expect(wire.json, c.name).not.toContain(PLANTED_SECRET);
        expect(wire.json, c.name).not.toMatch(/"(?:logs|diagnosticsChannelEvents|eventTimestamp)\\?":/);
      }
    }
  });

  it("prints every event on the console without tripping on odd values (LOG_LEVEL debug)", () => {
    const odd = hostileCorpus().filter((c) => /^odd|exception with odd/.test(c.name));
    expect(odd.length).toBeGreaterThan(20);
    for (const c of odd) {
      const events = parseAll([c.item], { LOG_LEVEL: "debug" }).map((e) => e.event);
      expect(
        events.filter((e) => e.type === UNREADABLE_TYPE),
        c.name,
      ).toEqual([]);
    }
  });

  it("archives every distinct event as a valid envelope", { timeout: 120_000 }, async () => {
    const config = loadConfig(env);
    const wire = toWireEvents(
      hostileCorpus().map((c) => c.item),
      config,
      Date.now(),
    );
    const stub = collector("hostile-archive");
    // Only the flush below writes, so that its report names every object (no alarm flushes between calls).
    const never = { events: 1e6, bytes: 2 ** 30 };
    await overrideCollectorConfig(stub, (c) => ({
      ...c,
      flushIntervalSeconds: 3600,
      thresholds: { 0: never, 1: never, 2: never, 3: never },
    }));
    for (const events of chunkIntoBatches(wire, config.batchSize, config.maxBatchBytes)) await stub.ingest({ events });
    const report = await stub.flush();
    expect(report.errors).toEqual([]);

    const archived = new Set<string>();
    for (const { key } of report.objects) {
      const events = (await (await env.ARCHIVE.get(key))!.json()) as unknown[];
      for (const event of events) {
        const parsed = v.parse(EventEnvelope, event);
        expect(JSON.stringify(parsed).length).toBeLessThanOrEqual(config.maxEventBytes * 2);
        archived.add(parsed.id);
      }
    }
    expect(archived).toEqual(new Set(wire.map((e) => e.id)));
    const stats = await stub.stats();
    expect(stats.counters.received).toBe(wire.length);
    expect(stats.counters.duplicates).toBe(0);
  });

  it("pollutes no prototype and keeps serving", async () => {
    await handleTail(
      hostileCorpus().map((c) => c.item),
      env,
      FAST,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
    expect((await exports.default.fetch("http://do-tail/health")).status).toBe(200);
    expect((await exports.default.fetch("http://do-tail/stats")).status).toBe(200);
  });
});

describe("one odd value", () => {
  const item = (...logs: ReturnType<typeof log>[]) =>
    traceItem({
      event: { request: { url: "https://shop.example/cart?token=abc123", method: "GET", headers: {} }, response: { status: 200 } },
      logs,
      exceptions: [{ timestamp: T0 + 2, name: "Error", message: "late failure" }],
    });

  it('in a JSON line ({"id":{"toString":1}}) is archived as it came, with the item\'s other parts', () => {
    const events = parseAll(
      [item(log("warn", '{"id":{"toString":1}}'), log("log", JSON.stringify({ _event: "login", password: "hunter2" })))],
      { LOG_LEVEL: "debug" },
    ).map((e) => e.event);
    expect(events.map((e) => e.type)).toEqual(["invocation", "console.warn", "login", "exception"]);
    expect(events[1]!.data).toEqual({ id: { toString: 1 } });
    expect(events[2]!.data.password).toBe("[REDACTED]");
    expect(events[0]!.data.url).toBe("https://shop.example/cart?token=[REDACTED]");
    expect(JSON.stringify(events)).not.toMatch(/hunter2|abc123/);
  });

  it("behind a getter that throws is marked in its place; the rest of the argument is kept", () => {
    const booby = Object.defineProperty({ user: "ada", password: "hunter2" }, "profile", {
      enumerable: true,
      get() {
        throw new Error("getter exploded");
      },
    });
    const [, event, next] = parseAll([item(log("log", booby), log("log", "next"))]).map((e) => e.event);
    expect(event!.data).toEqual({ user: "ada", password: "[REDACTED]", profile: "[unreadable: getter exploded]" });
    expect(event!.parseError).toBe("could not read profile: getter exploded");
    expect(next!.text).toBe("next");
  });

  it("that throws a secret-bearing error is named without the secret", () => {
    const booby = Object.defineProperty({ user: "ada" }, "profile", {
      enumerable: true,
      get() {
        throw new Error("cannot load https://x.example/?token=t0k3n-in-error");
      },
    });
    const { wire } = parseAll([item(log("log", booby))])[1]!;
    expect(wire.json).not.toContain("t0k3n-in-error");
    expect(JSON.parse(wire.json).parseError).toBe("could not read profile: cannot load https://x.example/?token=[REDACTED]");
  });

  it("that makes a whole part unreadable costs that part only, marked and redacted", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const events = parseAll([item(proxy as never, log("log", JSON.stringify({ _event: "kept", token: "t0k3n" })))]).map((e) => e.event);
    expect(events.map((e) => [e.type, e.kind])).toEqual([
      ["invocation", "invocation"],
      [UNREADABLE_TYPE, "log"],
      ["kept", "log"],
      ["exception", "exception"],
    ]);
    expect(events[1]!.parseError).toMatch(/^unreadable log: /);
    expect(events[2]!.data.token).toBe("[REDACTED]");
  });
});
