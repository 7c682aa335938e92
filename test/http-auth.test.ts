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
      .replace(/\*$/, "no-such-route");
    const verb = method === "ALL" ? "GET" : String(method);
    return { name: `${method} ${String(pattern)}`, method: verb, path };
  });
}

function call(route: { method: string; path: string }, environment: Partial<Env>, authorization?: string): Promise<Response> {
  const headers = authorization ? { authorization } : undefined;
  return router.fetch(
    new Request(`http://do-tail${route.path}`, { method: route.method, headers }),
    { ...env, ...environment } as Env,
    ctx,
  );
}

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

  it.each(protectedRoutes())("$name lets the right token through", async (route) => {
    const res = await call(route, { ADMIN_TOKEN: TOKEN }, `Bearer ${TOKEN}`);
    expect([401, 403, 503]).not.toContain(res.status);
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
