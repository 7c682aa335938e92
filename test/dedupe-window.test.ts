import { describe, expect, it } from "vitest";
import { DedupeWindow } from "../collector-do/dedupe-window";

const MINUTE = 60_000;

// The deduplication window forgets by age and, past its size, only as many ids as it must.
describe("DedupeWindow", () => {
  it("forgets the oldest ids one by one past its size, keeping the rest of their batch", () => {
    const window = new DedupeWindow(10 * MINUTE, 5);
    window.add(["a", "b", "c"], 0);
    window.add(["d", "e", "f", "g"], 1);
    expect(window.size).toBe(5);
    expect(["a", "b"].map((id) => window.has(id))).toEqual([false, false]);
    expect(["c", "d", "g"].map((id) => window.has(id))).toEqual([true, true, true]);
  });

  it("forgets whole batches older than its time window", () => {
    const window = new DedupeWindow(10 * MINUTE, 1000);
    window.add(["old"], 0);
    window.add(["recent"], 5 * MINUTE);
    window.add(["now"], 10 * MINUTE + 1);
    expect(window.has("old")).toBe(false);
    expect(window.has("recent")).toBe(true);
  });

  it("rebuilt oldest first after a restart, still recognises the newest ids beyond its size", () => {
    const window = new DedupeWindow(10 * MINUTE, 1000);
    for (let batch = 0; batch < 30; batch++) {
      window.add(
        Array.from({ length: 100 }, (_, i) => `b${batch}-${i}`),
        batch * 1000,
      );
    }
    expect(window.size).toBe(1000);
    expect(window.has("b29-99")).toBe(true);
    expect(window.has("b20-0")).toBe(true);
    expect(window.has("b19-99")).toBe(false);
  });

  it("recognises every id of a full window through many table rebuilds, and none it forgot", () => {
    const window = new DedupeWindow(MINUTE, 50_000);
    const ids = (batch: number) => Array.from({ length: 1000 }, (_, i) => `${batch.toString(16).padStart(8, "0")}-${i}`);
    // 200 batches a second apart: the last 50 are held (by count), the rest forgotten.
    for (let batch = 0; batch < 200; batch++) window.add(ids(batch), batch * 100);
    expect(window.size).toBe(50_000);
    for (let batch = 150; batch < 200; batch++) expect(ids(batch).every((id) => window.has(id))).toBe(true);
    for (let batch = 0; batch < 150; batch += 7) expect(ids(batch).some((id) => window.has(id))).toBe(false);
    // A minute later by the clock, everything is forgotten.
    window.add([], 200 * 100 + MINUTE);
    expect(window.size).toBe(0);
    expect(window.has(ids(199)[0]!)).toBe(false);
  });
});
