import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { answerSource } from "../../tail-worker/dashboard/js/answer-source.js";

// What the uptime panel says about where /insights/fleet answered from.
describe("answerSource", () => {
  it("names Analytics Engine, the archive, and the archive standing in for a failed Analytics Engine", () => {
    assert.deepEqual(answerSource({ source: "analytics-engine", analyticsEngine: {} }), {
      source: "analytics-engine",
      note: "from Analytics Engine",
      detail: "",
    });
    assert.deepEqual(answerSource({ source: "archive", scanned: {} }), { source: "archive", note: "from the archive", detail: "" });
    assert.deepEqual(
      answerSource({ source: "archive", fallback: { from: "analytics-engine", reason: "monitor-fleet: no answer within 10000 ms" } }),
      {
        source: "archive",
        note: "from the archive: Analytics Engine did not answer",
        detail: "monitor-fleet: no answer within 10000 ms",
      },
    );
  });

  it("says nothing of an answer that does not say", () => {
    assert.deepEqual(answerSource({}), { source: "", note: "", detail: "" });
    assert.deepEqual(answerSource(null), { source: "", note: "", detail: "" });
  });
});
