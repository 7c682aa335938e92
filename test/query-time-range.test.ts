import { describe, expect, it } from "vitest";
import { MAX_DATE_MS } from "../schemas/archive/partition";
import { resolveTime } from "../tail-worker/query/time-range";
import { postQuery } from "./helpers/query-events";

// Query times share the archive's bound on dates (schemas/archive/partition.ts): archive keys
// hold four-digit years, so a time after 9999 names no day any key can have.

describe("query times", () => {
  const now = Date.UTC(2030, 5, 1, 12);

  it("accepts the archive's last millisecond and refuses the next", () => {
    expect(resolveTime(MAX_DATE_MS, now)).toBe(MAX_DATE_MS);
    expect(resolveTime(String(MAX_DATE_MS + 1), now)).toHaveProperty("error");
    expect(resolveTime(-MAX_DATE_MS - 1, now)).toHaveProperty("error");
  });

  // scripts/lib/archive-cli.mjs reads --since/--until the same way, wherever it runs.
  it("reads an ISO time without an offset as UTC", () => {
    expect(resolveTime("2030-01-01T10:00", now)).toBe(Date.UTC(2030, 0, 1, 10));
    expect(resolveTime("2030-01-01 10:00:00.5", now)).toBe(Date.UTC(2030, 0, 1, 10, 0, 0, 500));
  });

  it("answers 400 naming `to` rather than an empty answer for a time after the year 9999", async () => {
    const { status, body } = await postQuery({ from: "-1h", to: MAX_DATE_MS + 1 });
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.error!.message).toMatch(/^to: .*outside the range of dates/);
  });
});
