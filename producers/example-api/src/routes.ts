import type { WideEvent } from "./wide-event";

/** A route answers the request and records what it learned on the request's wide event. */
type Route = (request: Request, event: WideEvent) => Promise<Response> | Response;

const PRICES_CENTS: Record<string, number> = { "tea-green": 450, "tea-black": 390, mug: 1200 };

async function createOrder(request: Request, event: WideEvent): Promise<Response> {
  const body = (await request.json().catch(() => null)) as { sku?: unknown; quantity?: unknown } | null;
  const sku = typeof body?.sku === "string" ? body.sku : "";
  const quantity = typeof body?.quantity === "number" && Number.isInteger(body.quantity) ? body.quantity : 0;
  const price = PRICES_CENTS[sku];
  if (price === undefined || quantity < 1) {
    console.warn(`rejected order: sku=${JSON.stringify(sku)} quantity=${quantity}`);
    Object.assign(event, { _event: "order_rejected", sku, quantity });
    return Response.json({ error: `send {"sku": one of ${Object.keys(PRICES_CENTS).join(", ")}, "quantity": n >= 1}` }, { status: 400 });
  }
  const orderId = `ord_${crypto.randomUUID().slice(0, 8)}`;
  console.log(`order ${orderId}: ${quantity} x ${sku}`);
  Object.assign(event, { _event: "order_created", orderId, sku, quantity, totalCents: price * quantity });
  return Response.json({ orderId, sku, quantity, totalCents: price * quantity }, { status: 201 });
}

function getOrder(request: Request, event: WideEvent): Response {
  const orderId = new URL(request.url).pathname.split("/")[2] ?? "";
  console.info(`looking up order ${orderId}`);
  Object.assign(event, { _event: "order_viewed", orderId });
  return Response.json({ orderId, status: "shipped" });
}

function checkout(_request: Request, event: WideEvent): Response {
  console.error("payment provider did not answer within 3000 ms");
  Object.assign(event, { _event: "payment_failed", provider: "acme-pay", timeoutMs: 3000 });
  return Response.json({ error: "payment provider unavailable" }, { status: 500 });
}

function boom(): Response {
  throw new Error("boom: an uncaught exception, on purpose");
}

function index(): Response {
  return new Response(
    [
      "example-api routes:",
      '  POST /orders       {"sku":"tea-green","quantity":2} -> order_created (or 400 order_rejected + console.warn)',
      "  GET  /orders/<id>  -> order_viewed",
      "  POST /checkout     -> 500 payment_failed + console.error",
      "  GET  /boom         -> uncaught exception",
      "",
    ].join("\n"),
  );
}

export function findRoute(method: string, path: string): Route | undefined {
  if (method === "GET" && path === "/") return index;
  if (method === "POST" && path === "/orders") return createOrder;
  if (method === "GET" && /^\/orders\/[^/]+$/.test(path)) return getOrder;
  if (method === "POST" && path === "/checkout") return checkout;
  if (method === "GET" && path === "/boom") return boom;
  return undefined;
}
