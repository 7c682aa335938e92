import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../schemas/config/env";
import { router } from "../tail-worker/http/router";
import { testEvents } from "../tail-worker/http/test-events-route";

// In production POST /test-events must refuse: sample events would be mixed into real archives.
// Tests run as development, so the route is called with a copy of env marked production (with an
// admin token, so that the refusal comes from the route itself and not from authentication).
const TOKEN = "production-test-token-0123456789";
const production: Env = { ...env, ENVIRONMENT: "production", ADMIN_TOKEN: TOKEN };

async function expectRefused(res: Response): Promise<void> {
  expect(res.status).toBe(403);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: { status: number; message: string } };
  expect(body.error.status).toBe(403);
  expect(body.error.message).toMatch(/disabled in production/);
}

describe("POST /test-events in production", () => {
  it("is refused by the route handler with a 403 JSON problem", async () => {
    await expectRefused(await testEvents(new Request("http://do-tail/test-events", { method: "POST" }), production));
  });

  it("is refused through the router even with the right admin token, and generates nothing", async () => {
    const request = new Request("http://do-tail/test-events", { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } });
    await expectRefused(await router.fetch(request, production, createExecutionContext()));

    // Nothing reached the collectors: flushing them all (in development) archives nothing.
    const flush = await exports.default.fetch("http://do-tail/flush", { method: "POST" });
    expect(flush.status).toBe(200);
    expect((await env.ARCHIVE.list({ prefix: "tail-events/" })).objects).toEqual([]);
  });

  it("leaves the other routes working in production", async () => {
    const res = await router.fetch(new Request("http://do-tail/health"), production, createExecutionContext());
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", environment: "production" });
  });
});
