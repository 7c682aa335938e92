import * as v from "valibot";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { CORRELATION_ID_HEADER, correlationFrom, correlationHeaders, REQUEST_ID_HEADER, WideEvent } from "../producers/lib/wide-event";
import { schemaFor } from "../schemas/catalog/registry";

// The producers' wide-event helper: one event built through a unit of work, emitted once as JSON.

let log: MockInstance<typeof console.log>;
beforeEach(() => {
  log = vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => log.mockRestore());

const logged = () => log.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
const ids = { requestId: "req-1", correlationId: "corr-1" };

describe("correlation", () => {
  it("carries the caller's request and correlation ids", () => {
    const headers = new Headers({ [REQUEST_ID_HEADER]: "r-9", [CORRELATION_ID_HEADER]: "c-9" });
    expect(correlationFrom(headers)).toEqual({ requestId: "r-9", correlationId: "c-9" });
  });

  it("starts a correlation at the request when the caller sent none", () => {
    const correlation = correlationFrom(new Headers());
    expect(correlation.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(correlation.correlationId).toBe(correlation.requestId);
  });

  it("passes the ids on as headers for the next call", () => {
    const passed = new Headers(correlationHeaders(ids));
    expect(correlationFrom(passed)).toEqual(ids);
  });
});

describe("WideEvent", () => {
  it("emits one JSON line with name, timing, outcome, ids and every field", () => {
    const event = new WideEvent("checkout_completed", ids, { cartId: "cart-7" });
    event.set({ items: 3, user: { tier: "gold" } });
    const emitted = event.emit();
    expect(logged()).toEqual([emitted]);
    expect(emitted).toMatchObject({
      _event: "checkout_completed",
      outcome: "ok",
      requestId: "req-1",
      correlationId: "corr-1",
      cartId: "cart-7",
      items: 3,
      user: { tier: "gold" },
    });
    expect(emitted!.durationMs).toBe((emitted!.timestamp as number) - (emitted!.startTime as number));
  });

  it("emits only once per unit of work", () => {
    const event = new WideEvent("job_done", ids);
    event.emit();
    expect(event.emit()).toBeUndefined();
    expect(log).toHaveBeenCalledTimes(1);
  });

  it("records a failure as outcome error with the error's message and name", () => {
    const emitted = new WideEvent("job_done", ids).fail(new TypeError("bad input")).emit();
    expect(emitted).toMatchObject({ outcome: "error", error: "bad input", errorType: "TypeError" });
  });

  it("counts into fields and into records of fields", () => {
    const event = new WideEvent("ws_session_end", ids).increment("messageCount").increment("messageCount", 2);
    event
      .incrementIn("messagesByType", "toggle_step")
      .incrementIn("messagesByType", "toggle_step")
      .incrementIn("messagesByType", "set_tempo");
    expect(event.emit()).toMatchObject({ messageCount: 3, messagesByType: { toggle_step: 2, set_tempo: 1 } });
  });

  it("lets the producer's own outcome and durationMs win, and never a field the name", () => {
    const emitted = new WideEvent("run_complete", ids, { outcome: "success", durationMs: 1234, _event: "renamed" } as Record<
      string,
      unknown
    >).emit();
    expect(emitted).toMatchObject({ _event: "run_complete", outcome: "success", durationMs: 1234 });
  });

  it("can send the event somewhere other than the console", () => {
    const sent: unknown[] = [];
    new WideEvent("AI.Generation.completed", ids, { tokens: 12 }).emit((event) => sent.push(event));
    expect(sent).toEqual([expect.objectContaining({ _event: "AI.Generation.completed", tokens: 12 })]);
    expect(log).not.toHaveBeenCalled();
  });

  it("builds a catalog event that passes its schema", () => {
    const emitted = new WideEvent("run_complete", ids, {
      runId: "r",
      status: "success",
      plan: "pro",
      capsuleId: "c",
      durationMs: 10,
    }).emit();
    expect(v.safeParse(schemaFor("run_complete")!, emitted).success).toBe(true);
  });
});
