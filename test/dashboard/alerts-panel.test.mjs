import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { alertRows } from "../../tail-worker/dashboard/js/panels/alerts.js";

// The alerts panel's rows from GET /alerts: firing first, one row per group, and a row for each
// rule that has no group yet.
describe("alert rows", () => {
  const view = {
    rules: [
      {
        name: "5xx-rate",
        kind: "threshold",
        threshold: 1,
        window: "5m",
        rate: 0.05,
        groups: [
          { group: { script: "search" }, state: "pending", since: "2031-01-01T00:00:00.000Z", count: 1, of: 100, rate: 0.01 },
          { group: { script: "checkout" }, state: "firing", since: "2031-01-01T00:00:00.000Z", count: 7, of: 50, rate: 0.14 },
        ],
      },
      {
        name: "exceptions",
        kind: "threshold",
        threshold: 3,
        window: "1m",
        groups: [{ group: {}, state: "resolved", since: "2031-01-01T00:01:00.000Z", count: 1 }],
      },
      { name: "heartbeats", kind: "absence", absentFor: "5m", groups: [] },
    ],
  };

  it("orders firing, pending, ok, resolved and says what each rule compares", () => {
    assert.deepEqual(
      alertRows(view).map((r) => [r.rule, r.group, r.state, r.measure]),
      [
        ["5xx-rate", "script=checkout", "firing", "14% of 50 (≥ 5%)"],
        ["5xx-rate", "script=search", "pending", "1% of 100 (≥ 5%)"],
        ["heartbeats", "–", "ok", "none seen yet"],
        ["exceptions", "(all)", "resolved", "1 / 3 in 1m"],
      ],
    );
  });

  it("answers no rows without rules", () => {
    assert.deepEqual(alertRows({ rules: [] }), []);
    assert.deepEqual(alertRows({}), []);
  });
});
