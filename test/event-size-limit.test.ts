import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import type { EventEnvelope } from "../schemas/event-envelope";
import { utf8ByteLength } from "../schemas/lib/utf8";
import { toWireEvents } from "../tail-worker/tail-handler";
import { log, traceItem } from "./helpers/trace-items";

const config = loadConfig(env);

function archivedLog(...message: unknown[]): EventEnvelope {
  const [, event] = toWireEvents([traceItem({ logs: [log("log", ...message)] })], config, Date.now());
  expect(utf8ByteLength(event!.json)).toBeLessThanOrEqual(config.maxEventBytes);
  return JSON.parse(event!.json) as EventEnvelope;
}

// One event larger than MAX_EVENT_BYTES (default 128 KiB) is cut, marked, and still archived.
describe("event size limit", () => {
  it("defaults to 128 KiB", () => {
    expect(config.maxEventBytes).toBe(128 * 1024);
  });

  it("truncates a large named event, keeping its type and saying how large it was", () => {
    const blob = "é".repeat(300_000);
    const event = archivedLog(JSON.stringify({ _event: "report_generated", blob }));
    expect(event.type).toBe("report_generated");
    expect(event.truncated).toEqual({ originalBytes: expect.any(Number), maxBytes: config.maxEventBytes });
    expect(event.truncated!.originalBytes).toBeGreaterThan(600_000);
    expect(event.text!.startsWith('{"type":"report_generated"')).toBe(true);
    expect(event.data).toEqual({});
  });

  it("truncates a huge plain-text log the same way", () => {
    const event = archivedLog("z".repeat(2 * 1024 * 1024));
    expect(event.truncated!.originalBytes).toBeGreaterThan(2 * 1024 * 1024);
    expect(event.text!.length).toBeGreaterThan(1000);
  });

  it("leaves an event under the limit untouched", () => {
    const event = archivedLog(JSON.stringify({ _event: "small", note: "n".repeat(1000) }));
    expect(event.truncated).toBeUndefined();
    expect(event.data.note).toBe("n".repeat(1000));
  });

  it("bounds a diagnostics channel's name, which is the event's type: a huge one neither grows the event past the limit nor a key of stats", () => {
    for (const length of [700_000, 3_000_000]) {
      const channel = `orders.${"c".repeat(length)}`;
      const item = traceItem({ diagnosticsChannelEvents: [{ timestamp: Date.now(), channel, message: { orderId: "o-1" } }] });
      const wire = toWireEvents([item], config, Date.now()).find((w) => w.kind === "diagnostic")!;
      expect(utf8ByteLength(wire.json)).toBeLessThanOrEqual(config.maxEventBytes);
      const event = JSON.parse(wire.json) as EventEnvelope;
      expect(wire.type.length).toBeLessThanOrEqual(256);
      expect(event.channel!.startsWith("orders.ccc")).toBe(true);
      expect(event.channel!.length).toBeLessThanOrEqual(256);
      expect(event.type).toBe(event.channel);
      expect(event.parseError).toContain(`channel: a name of ${channel.length} characters, cut to its first 255`);
      expect(event.data).toEqual({ orderId: "o-1" });
    }
  });

  it("keeps a truncated event within the limit whatever its envelope holds, at the smallest limit too", () => {
    for (const maxEventBytes of [1024, 4096, 131_072]) {
      const small = loadConfig({ ...env, MAX_EVENT_BYTES: String(maxEventBytes) } as Env);
      // A level is the platform's text, written into the type (`console.<level>`) and the envelope.
      const item = traceItem({ logs: [{ ...log("log", "x".repeat(maxEventBytes * 2)), level: "é".repeat(maxEventBytes) }] });
      const [, wire] = toWireEvents([item], small, Date.now());
      expect(utf8ByteLength(wire!.json)).toBeLessThanOrEqual(maxEventBytes);
      const event = JSON.parse(wire!.json) as EventEnvelope;
      expect(event.truncated).toMatchObject({ maxBytes: maxEventBytes });
      expect(event.level!.startsWith("éé")).toBe(true);
    }
  });
});
