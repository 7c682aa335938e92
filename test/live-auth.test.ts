import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { Env } from "../schemas/config/env";
import { LIVE_SUBPROTOCOL } from "../schemas/live/protocol";
import { mintTicket } from "../tail-worker/http/live-ticket";
import { router } from "../tail-worker/http/router";
import { openStream, type TestStream } from "./helpers/live";

// GET /live needs the admin token like every route; a browser, which cannot set headers on a
// WebSocket, offers a short-lived single-use ticket as a subprotocol instead. The token is never
// in a URL.
const TOKEN = "t0ken-for-live-tests-0123456789";
const withToken = { ...env, ADMIN_TOKEN: TOKEN } as Env;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const call = (request: Request, environment: Env = withToken) => router.fetch(request, environment, ctx);

const upgrade = (protocols?: string[], headers: Record<string, string> = {}) =>
  new Request("http://do-tail/live", {
    headers: { upgrade: "websocket", ...(protocols ? { "sec-websocket-protocol": protocols.join(", ") } : {}), ...headers },
  });

async function ticket(): Promise<{ ticket: string; protocols: string[]; expiresAt: string }> {
  const response = await call(new Request("http://do-tail/live/ticket", { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } }));
  expect(response.status).toBe(200);
  return response.json();
}

const opened: TestStream[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

describe("GET /live authentication", () => {
  it("refuses a WebSocket without a token or ticket, and a wrong ticket", async () => {
    expect((await call(upgrade())).status).toBe(401);
    expect((await call(upgrade([LIVE_SUBPROTOCOL, "ticket.not-a-ticket"]))).status).toBe(403);
    const { ticket: good } = await ticket();
    const forged = `${good.slice(0, -2)}${good.endsWith("AA") ? "BB" : "AA"}`;
    expect((await call(upgrade([LIVE_SUBPROTOCOL, `ticket.${forged}`]))).status).toBe(403);
    const otherToken = await mintTicket("another-token-0123456789abcdef");
    expect((await call(upgrade([LIVE_SUBPROTOCOL, `ticket.${otherToken.ticket}`]))).status).toBe(403);
    const expired = await mintTicket(TOKEN, Date.now() - 61_000);
    expect((await call(upgrade([LIVE_SUBPROTOCOL, `ticket.${expired.ticket}`]))).status).toBe(403);
  });

  it("opens a stream with a ticket from POST /live/ticket, once, choosing the live subprotocol", async () => {
    const issued = await ticket();
    expect(issued.protocols).toEqual([LIVE_SUBPROTOCOL, `ticket.${issued.ticket}`]);
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    expect(issued.ticket).not.toContain(TOKEN);

    const response = await call(upgrade(issued.protocols));
    expect(response.status).toBe(101);
    expect(response.headers.get("sec-websocket-protocol")).toBe(LIVE_SUBPROTOCOL);
    response.webSocket?.accept();
    response.webSocket?.close(1000, "done");

    const again = await call(upgrade(issued.protocols));
    expect(again.status).toBe(403);
    expect(await again.text()).toMatch(/used already/);
  });

  it("opens a stream with the bearer token too (clients that can set headers)", async () => {
    const s = await openStream({
      fetcher: (request) =>
        call(new Request(request, { headers: { ...Object.fromEntries(request.headers), authorization: `Bearer ${TOKEN}` } })),
    });
    opened.push(s);
    expect((await s.subscribe({ type: "live_auth_*" })).shards.total).toBe(1);
  });

  it("does not let a client smuggle a nonce to the hub", async () => {
    const response = await call(upgrade(undefined, { authorization: `Bearer ${TOKEN}`, "x-do-tail-live-nonce": "abc.1" }));
    expect(response.status).toBe(101);
    response.webSocket?.accept();
    response.webSocket?.close(1000, "done");
    // Had the header reached the hub, this nonce would now count as used.
    const second = await call(upgrade(undefined, { authorization: `Bearer ${TOKEN}`, "x-do-tail-live-nonce": "abc.1" }));
    expect(second.status).toBe(101);
    second.webSocket?.accept();
    second.webSocket?.close(1000, "done");
  });

  it("answers 426 to GET /live without a WebSocket upgrade, and fails closed in production without a token", async () => {
    const plain = await call(new Request("http://do-tail/live", { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(plain.status).toBe(426);
    const production = { ...env, ENVIRONMENT: "production", ADMIN_TOKEN: undefined } as Env;
    expect((await call(upgrade(await ticket().then((t) => t.protocols)), production)).status).toBe(503);
  });
});
