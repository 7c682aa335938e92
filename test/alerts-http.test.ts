import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AlertState } from "../collector-do/alerts/state/alert-state";
import { alertState } from "../schemas/alert-rpc";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { router } from "../tail-worker/http/router";
import { receiver } from "./helpers/alert-receiver";

// GET /alerts and POST /alerts/test through the router, against the deployment's AlertState
// object, with the rules given as ALERT_RULES.

const SECRET = "alert-http-secret-0123456789";
const hook = receiver("http-test-route");
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
let testEnv: Env;

beforeAll(async () => {
  const rules = [
    { name: "exceptions", where: [{ field: "kind", op: "eq", value: "exception" }], threshold: 1, window: "5m", notify: [hook.url] },
    { name: "quiet", where: [{ field: "type", op: "eq", value: "heartbeat" }], groupBy: ["monitorId"], absent: { for: "5m" } },
  ];
  testEnv = { ...env, ALERT_RULES: JSON.stringify(rules), ALERT_WEBHOOK_SECRET: SECRET } as Env;
  // The AlertState object reads its settings from its own env: it gets the same ones here.
  const settings = loadConfig(testEnv).alerts;
  await runInDurableObject(alertState(env) as unknown as DurableObjectStub<AlertState>, (instance: AlertState) => {
    instance.settings = settings;
  });
  await hook.control({ secret: SECRET });
});

const call = (method: string, path: string) => router.fetch(new Request(`https://do-tail.test${path}`, { method }), testEnv, ctx);

describe("GET /alerts", () => {
  it("answers every rule, its groups, the last transitions, the outbox and delivery counts", async () => {
    const res = await call("GET", "/alerts");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      rules: [
        {
          name: "exceptions",
          kind: "threshold",
          where: [{ field: "kind", op: "eq", value: "exception" }],
          groupBy: [],
          threshold: 1,
          window: "5m",
          repeat: "1h",
          notify: [`http://127.0.0.1:${new URL(hook.url).port}/…`],
          groups: [],
        },
        {
          name: "quiet",
          kind: "absence",
          where: [{ field: "type", op: "eq", value: "heartbeat" }],
          groupBy: ["monitorId"],
          absentFor: "5m",
          repeat: "1h",
          notify: [],
          groups: [],
        },
      ],
      transitions: [],
      outbox: { pending: 0, failed: 0, nextAttemptAt: null, lastError: null },
      delivery: { delivered: 0, retries: 0, failed: 0 },
      reports: { received: 0, duplicates: 0, unknownRules: 0, droppedGroups: 0 },
    });
  });

  it("refuses unknown parameters", async () => {
    expect((await call("GET", "/alerts?rule=x")).status).toBe(400);
  });
});

describe("POST /alerts/test", () => {
  it("sends a signed test notification to each of the rule's destinations and says how they answered", async () => {
    const res = await call("POST", "/alerts/test?rule=exceptions");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      rule: "exceptions",
      deliveries: [{ destination: `http://127.0.0.1:${new URL(hook.url).port}/…`, ok: true, status: 200, error: null }],
    });
    const [request] = await hook.requests();
    expect(request!.signature).toBe("valid");
    expect(JSON.parse(request!.body)).toMatchObject({
      rule: "exceptions",
      state: "test",
      dashboard: "https://do-tail.test/#alerts-panel",
      samples: [],
    });
  });

  it("answers 502 when a destination refuses it", async () => {
    await hook.control({ answers: [410] });
    const res = await call("POST", "/alerts/test?rule=exceptions");
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ deliveries: [{ ok: false, status: null, error: "HTTP 410" }] });
  });

  it("answers 404 for an unknown rule, 422 for a rule without destinations, 400 without a rule", async () => {
    const unknown = await call("POST", "/alerts/test?rule=nope");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      error: { message: 'no alert rule named "nope"', details: { rules: ["exceptions", "quiet"] } },
    });
    expect((await call("POST", "/alerts/test?rule=quiet")).status).toBe(422);
    expect((await call("POST", "/alerts/test")).status).toBe(400);
  });
});
