import { describe, expect, it } from "vitest";
import { attemptRequest, retryAfterOf } from "../schemas/lib/http-attempt";
import { backoffDelayMs, retry, retryDelayMs } from "../schemas/lib/retry";

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

describe("a receiver's Retry-After", () => {
  const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

  it("reads seconds and HTTP dates, and nothing else", () => {
    expect(retryAfterOf("120", NOW)).toBe(120_000);
    expect(retryAfterOf(" 0 ", NOW)).toBe(0);
    expect(retryAfterOf("Tue, 01 Dec 2026 12:00:30 GMT", NOW)).toBe(30_000);
    // A date already past asks for no wait.
    expect(retryAfterOf("Tue, 01 Dec 2026 11:00:00 GMT", NOW)).toBe(0);
    for (const text of [null, "", "soon", "-5", "1.5", "99999999999"]) expect(retryAfterOf(text, NOW)).toBeUndefined();
  });

  it("lengthens the backoff up to the policy's longest delay, never shortens it", () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1_000, minDelayMs: 100 };
    expect(retryDelayMs(1, policy, 600)).toBe(600);
    expect(retryDelayMs(1, policy, 3_600_000)).toBe(1_000);
    expect(retryDelayMs(1, policy, 0)).toBe(100);
    expect(retryDelayMs(1, policy)).toBe(100);
  });

  it("is waited by retry() between attempts", async () => {
    const times: number[] = [];
    const outcome = await retry({ attempts: 2, baseDelayMs: 1, maxDelayMs: 5_000 }, async (n) => {
      times.push(Date.now());
      return n === 1 ? { ok: false, error: "HTTP 429", retryAfterMs: 1_500 } : { ok: true, value: n };
    });
    expect(outcome).toEqual({ ok: true, value: 2, attempts: 2 });
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1_500);
  });
});

describe("one delivery attempt", () => {
  const answering = (response: () => Response) => async (request: Request) => {
    seen.push(request);
    return response();
  };
  const seen: Request[] = [];

  it("passes a retryable answer's Retry-After on, and names it", async () => {
    const outcome = await attemptRequest(
      answering(() => new Response("slow down", { status: 429, headers: { "retry-after": "7" } })),
      "https://receiver.example/hook",
      { method: "POST", body: "{}" },
      1_000,
    );
    expect(outcome).toEqual({ ok: false, retryable: true, retryAfterMs: 7_000, error: "HTTP 429, Retry-After 7 s" });
  });

  it("asks fetch not to follow redirects, and takes one for a final failure that shows only the origin it pointed to", async () => {
    seen.length = 0;
    const outcome = await attemptRequest(
      answering(() => new Response(null, { status: 301, headers: { location: "https://moved.example/services/T0/B0/secret" } })),
      "https://receiver.example/hook",
      { method: "POST", body: "{}" },
      1_000,
    );
    expect(seen[0]!.redirect).toBe("manual");
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      error: "HTTP 301: redirected to https://moved.example, not followed; set the final URL",
    });
  });
});
