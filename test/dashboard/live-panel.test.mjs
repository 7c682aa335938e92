import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { summary } from "../../tail-worker/dashboard/js/panels/live.js";

// The Live panel's pure logic; test/e2e/live.e2e.mjs checks the panel in Chromium.
describe("live panel", () => {
  it("shows a text event's text and a named event's fields without its name", () => {
    assert.equal(summary({ type: "console.log", text: "cache miss" }), "cache miss");
    assert.equal(summary({ type: "order_viewed", data: { _event: "order_viewed", orderId: "o1" } }), '{"orderId":"o1"}');
    assert.equal(summary({ type: "x", data: { long: "y".repeat(500) } }).length, 300);
  });
});
