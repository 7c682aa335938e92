import { describe, expect, it } from "vitest";
import { backoffDelayMs, retry } from "../schemas/lib/retry";

const POLICY = { baseDelayMs: 100, maxDelayMs: 1_000 };

describe("backoffDelayMs (full jitter)", () => {
  it("draws between the floor and a ceiling that doubles per retry up to the cap", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, POLICY, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, POLICY, () => 0))).toEqual([0, 0, 0, 0, 0]);
    expect(backoffDelayMs(3, { ...POLICY, minDelayMs: 50 }, () => 0)).toBe(50);
    // A floor above the ceiling is held to the ceiling.
    expect(backoffDelayMs(1, { ...POLICY, minDelayMs: 5_000 }, () => 0.5)).toBe(100);
  });

  it("spreads retries of the same moment instead of repeating one delay", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(4, POLICY)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(800);
  });
});

describe("retry", () => {
  const fast = { attempts: 4, baseDelayMs: 1, maxDelayMs: 1 };

  it("stops at the first success and reports how many attempts it took", async () => {
    const retries: number[] = [];
    const outcome = await retry(
      fast,
      async (n) => (n < 3 ? { ok: false, error: `failed ${n}` } : { ok: true, value: n * 10 }),
      ({ attempt }) => retries.push(attempt),
    );
    expect(outcome).toEqual({ ok: true, value: 30, attempts: 3 });
    expect(retries).toEqual([1, 2]);
  });

  it("gives up after the last attempt with its error, and at once on a final failure", async () => {
    expect(await retry(fast, async (n) => ({ ok: false, error: `failed ${n}` }))).toEqual({ ok: false, error: "failed 4", attempts: 4 });
    let calls = 0;
    const final = await retry(fast, async () => {
      calls++;
      return { ok: false, error: "HTTP 400", retryable: false };
    });
    expect(final).toMatchObject({ ok: false, error: "HTTP 400", attempts: 1 });
    expect(calls).toBe(1);
  });
});
