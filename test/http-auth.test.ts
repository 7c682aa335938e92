import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../schemas/config/env";
import { PUBLIC_ROUTES } from "../tail-worker/http/auth";
import { router } from "../tail-worker/http/router";

const TOKEN = "t0ken-for-tests-0123456789abcdef";
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

/** A concrete request for every route the router has, read from the router itself. */
function everyRoute(): { name: string; method: string; path: string }[] {
  return router.routes.map(([method, , , pattern]) => {
    const path = String(pattern)
      .replace(/:(\w+)\+/g, "tail-events/2030-01-01/importance-0/00-00-x.json")
      .replace(/:(\w+)/g, "x")
      .replace(/^\*$/, "/no-such-route");
    const verb = method === "ALL" ? "GET" : String(method);
    return { name: `${method} ${String(pattern)}`, method: verb, path };
  });
}

function call(
  route: { method: string; path: string; body?: string },
  environment: Partial<Env>,
  authorization?: string,
): Promise<Response> {
  const headers = authorization ? { authorization } : undefined;
  return router.fetch(
    new Request(`http://do-tail${route.path}`, { method: route.method, headers, body: route.body }),
    { ...env, ...environment } as Env,
    ctx,
  );
}

const ARCHIVE_KEY = "tail-events/2030-01-01/importance-0/00-00-x.json";

/**
 * What each protected route answers with the right token, in this test environment (development,
 * one shard): its status and what its body must hold. A route added to the router without an
 * entry here fails the test that lists them.
 */
const ANSWERS: Record<string, { status: number; body?: string; before?: () => Promise<unknown>; check: (body: unknown) => void }> = {
  "GET /stats": {
    status: 200,
    check: (b) =>
      expect(b).toMatchObject({ counters: expect.any(Object), buffered: expect.any(Object), shards: [{ shard: 0, status: "ok" }] }),
  },
  "POST /flush": {
    status: 200,
    check: (b) => expect(b).toMatchObject({ objects: expect.any(Array), errors: [], shards: [{ shard: 0, status: "ok" }] }),
  },
  "POST /test-events": { status: 200, check: (b) => expect(b).toMatchObject({ generated: expect.any(Array), undelivered: 0 }) },
  "GET /archives": { status: 200, check: (b) => expect(b).toMatchObject({ objects: expect.any(Array), truncated: false }) },
  "GET /archives/:key+": {
    status: 200,
    before: () => env.ARCHIVE.put(ARCHIVE_KEY, '[{"id":"a-0"}]'),
    check: (b) => expect(b).toEqual([{ id: "a-0" }]),
  },
  "GET /query": { status: 200, check: (b) => expect(b).toMatchObject({ rows: expect.any(Array), scanned: expect.any(Object) }) },
  "POST /query": { status: 200, body: '{"select":"events","limit":1}', check: (b) => expect(b).toMatchObject({ rows: expect.any(Array) }) },
  "POST /query/batch": {
    status: 200,
    body: '{"queries":[{"select":"counts","from":"-15m"},{"select":"events","limit":1}]}',
    check: (b) => expect(b).toMatchObject({ answers: [{ rows: expect.any(Array) }, { rows: expect.any(Array) }] }),
  },
  "GET /insights/fleet": { status: 200, check: (b) => expect(b).toMatchObject({ window: "1h", monitors: expect.any(Array) }) },
  "GET /insights/monitors/:id": { status: 200, check: (b) => expect(b).toMatchObject({ monitorId: "x", heartbeats: expect.any(Array) }) },
  "GET /alerts": {
    status: 200,
    check: (b) => expect(b).toMatchObject({ rules: [], transitions: expect.any(Array), outbox: expect.any(Object) }),
  },
  // The router's path carries no ?rule=: the route itself names what is missing.
  "POST /alerts/test": {
    status: 400,
    check: (b) => expect(b).toMatchObject({ error: { status: 400, message: expect.stringContaining('query parameter "rule"') } }),
  },
  // The route takes only a WebSocket upgrade (test/live-auth.test.ts opens one).
  "GET /live": {
    status: 426,
    check: (b) => expect(b).toMatchObject({ error: { status: 426, message: expect.stringContaining("GET /live is a WebSocket") } }),
  },
  "POST /live/ticket": {
    status: 200,
    check: (b) => expect(b).toMatchObject({ ticket: expect.any(String), expiresAt: expect.any(String), protocols: expect.any(Array) }),
  },
  "ALL *": { status: 404, check: (b) => expect(b).toEqual({ error: { status: 404, message: "no route for GET /no-such-route" } }) },
};

const protectedRoutes = () => everyRoute().filter((r) => !PUBLIC_ROUTES.has(`${r.method} ${r.path}`));

// Every route but /health needs the admin token; enumerating the router makes a new route covered too.
describe("admin authentication", () => {
  it("leaves exactly /health public", () => {
    expect([...PUBLIC_ROUTES]).toEqual(["GET /health"]);
    expect(protectedRoutes().length).toBe(everyRoute().length - 1);
  });

  it.each(protectedRoutes())("$name refuses a request without a token (401)", async (route) => {
    const res = await call(route, { ADMIN_TOKEN: TOKEN });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
    expect(await res.json()).toMatchObject({ error: { status: 401 } });
  });

  it.each(protectedRoutes())("$name refuses a wrong token (403)", async (route) => {
    for (const header of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, "Bearer "]) {
      const res = await call(route, { ADMIN_TOKEN: TOKEN }, header);
      expect([401, 403]).toContain(res.status);
    }
    expect((await call(route, { ADMIN_TOKEN: TOKEN }, `Bearer ${TOKEN}x`)).status).toBe(403);
  });

  it("knows the real answer of every route it lets through", () => {
    expect(Object.keys(ANSWERS).sort()).toEqual(
      protectedRoutes()
        .map((r) => r.name)
        .sort(),
    );
  });

  it.each(protectedRoutes())("$name lets the right token through to its real answer", async (route) => {
    const expected = ANSWERS[route.name]!;
    await expected.before?.();
    const res = await call({ ...route, body: expected.body }, { ADMIN_TOKEN: TOKEN }, `Bearer ${TOKEN}`);
    const text = await res.text();
    expect(res.status, text).toBe(expected.status);
    expected.check(JSON.parse(text));
  });

  it.each(protectedRoutes())("$name fails closed in production without a token (503)", async (route) => {
    const res = await call(route, { ENVIRONMENT: "production", ADMIN_TOKEN: undefined });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("ADMIN_TOKEN");
  });

  it("is open in local development without a token", async () => {
    expect((await call({ method: "GET", path: "/stats" }, { ENVIRONMENT: "development", ADMIN_TOKEN: undefined })).status).toBe(200);
  });

  it("serves /health to anyone, also in production without a token", async () => {
    expect((await call({ method: "GET", path: "/health" }, { ENVIRONMENT: "production", ADMIN_TOKEN: undefined })).status).toBe(200);
    expect((await call({ method: "GET", path: "/health" }, { ADMIN_TOKEN: TOKEN })).status).toBe(200);
  });

  it("refuses /test-events in production even with the right token", async () => {
    const res = await call({ method: "POST", path: "/test-events" }, { ENVIRONMENT: "production", ADMIN_TOKEN: TOKEN }, `Bearer ${TOKEN}`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("production");
  });

  it("rejects an admin token shorter than 16 characters at startup", () => {
    return expect(call({ method: "GET", path: "/stats" }, { ADMIN_TOKEN: "short" })).resolves.toMatchObject({ status: 500 });
  });
});
