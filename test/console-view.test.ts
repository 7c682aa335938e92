import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { realisticInvocations } from "../bench/realistic-mix";
import { type LogLevel, loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { toWireEvents } from "../tail-worker/tail-handler";
import { log, traceItem } from "./helpers/trace-items";

const METHODS = ["debug", "info", "log", "warn", "error"] as const;

/** The console lines toWireEvents prints for the items at a LOG_LEVEL (unset: the default), by console method. */
function printed(items: unknown[], logLevel: LogLevel | undefined) {
  const spies = METHODS.map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
  const wire = toWireEvents(items, loadConfig({ ...env, LOG_LEVEL: logLevel } as Env), Date.now());
  const lines = Object.fromEntries(METHODS.map((method, i) => [method, spies[i]!.mock.calls.map((call) => String(call[0]))]));
  for (const spy of spies) spy.mockRestore();
  return { wire, lines };
}

/** One event of each importance: the invocation (CRITICAL: it threw), an exception, console.error (HIGH), a named event (NORMAL), console.log (LOW). */
const item = traceItem({
  outcome: "exception",
  logs: [log("error", "upstream failed"), log("log", JSON.stringify({ _event: "order_created", orderId: "o-1" })), log("log", "plain")],
  exceptions: [{ timestamp: 1, name: "TypeError", message: "boom" }],
});

describe("do-tail's own console", () => {
  it("prints only CRITICAL and HIGH events by default (LOG_LEVEL warn)", () => {
    expect(loadConfig({ ...env, LOG_LEVEL: undefined } as Env).logLevel).toBe("warn");
    const { lines } = printed([item], undefined);
    expect(lines.error).toHaveLength(2);
    expect(lines.error!.join("\n")).toMatch(/\[invocation\].*outcome=exception/);
    expect(lines.error!.join("\n")).toMatch(/\[exception\] .*TypeError: boom/);
    expect(lines.warn).toEqual([expect.stringMatching(/^\[console\.error\] upstream failed$/)]);
    expect([...lines.info!, ...lines.debug!, ...lines.log!]).toEqual([]);
  });

  it("adds NORMAL events at info (what npm run dev passes) and LOW events at debug", () => {
    expect(printed([item], "info").lines.info).toEqual([expect.stringMatching(/^\[order_created\]/)]);
    expect(printed([item], "info").lines.debug).toEqual([]);
    expect(printed([item], "debug").lines.debug).toEqual([expect.stringMatching(/^\[console\.log\] plain$/)]);
    expect(printed([item], "error").lines.warn).toEqual([]);
  });

  it("calls the console once per printed event and never for the others, over a traffic mix", () => {
    const { wire, lines } = printed(realisticInvocations(200), undefined);
    const loud = wire.filter((event) => event.importance <= 1).length;
    expect(loud).toBeGreaterThan(0);
    expect(loud).toBeLessThan(wire.length / 5);
    expect(lines.error!.length + lines.warn!.length).toBe(loud);
    expect([...lines.info!, ...lines.debug!, ...lines.log!]).toEqual([]);
  });
});
