import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../schemas/config/config";
import { parseTraceItem } from "../tail-worker/parse/trace-item";
import { toWireEvents } from "../tail-worker/tail-handler";
import { fetchEvent, T0, traceItem } from "./helpers/trace-items";

const NOW = T0 + 60_000;

function recordOf(overrides: Parameters<typeof traceItem>[0]) {
  return parseTraceItem(traceItem(overrides), NOW).events[0]!.data;
}

describe("the invocation record holds what the TraceItem says, and nothing for what it leaves empty", () => {
  it("leaves out an absent entrypoint, dispatch namespace, Durable Object id, empty tags and untruncated logs", () => {
    const data = recordOf({
      entrypoint: undefined,
      dispatchNamespace: null,
      durableObjectId: null,
      scriptTags: [],
      truncated: false,
      scriptVersion: undefined,
    });
    expect(Object.keys(data).sort()).toEqual(
      [
        "trigger",
        "method",
        "url",
        "status",
        "request",
        "outcome",
        "cpuTime",
        "wallTime",
        "executionModel",
        "logCount",
        "exceptionCount",
        "diagnosticsCount",
      ].sort(),
    );
    expect(Object.values(data)).not.toContain(null);
  });

  it("keeps each of them when the platform gives it", () => {
    const data = recordOf({
      entrypoint: "BillingEntrypoint",
      dispatchNamespace: "customers",
      durableObjectId: "0123abcd",
      scriptTags: ["team:billing", 7, "tier:gold"],
      truncated: true,
      scriptVersion: { id: "v-2", tag: "release-2", message: "fix rounding" },
    });
    expect(data).toMatchObject({
      entrypoint: "BillingEntrypoint",
      dispatchNamespace: "customers",
      durableObjectId: "0123abcd",
      scriptTags: ["team:billing", "tier:gold"],
      truncated: true,
      scriptVersion: { id: "v-2", tag: "release-2", message: "fix rounding" },
    });
  });

  it("writes a version's id alone when it has no tag or message, and no cf when the request has none", () => {
    const event = fetchEvent("GET", "https://example.com/", 200);
    (event.request as Record<string, unknown>).cf = undefined;
    const data = recordOf({ scriptVersion: { id: "v-3" }, event });
    expect(data.scriptVersion).toEqual({ id: "v-3" });
    expect(data.request).toEqual({ headers: { "user-agent": "vitest", "cf-ray": "8a1b2c3d4e5f6789-LHR" } });
  });

  it("archives the leaner record as strict JSON with the same counts and timings", () => {
    const [wire] = toWireEvents([traceItem({ cpuTime: 5, wallTime: 40 })], loadConfig(env), NOW);
    const archived = JSON.parse(wire!.json) as { data: Record<string, unknown> };
    expect(archived.data).toMatchObject({ trigger: "fetch", status: 200, cpuTime: 5, wallTime: 40, logCount: 0, exceptionCount: 0 });
    const dataJson = wire!.json.slice(wire!.json.indexOf('"data":'));
    expect(dataJson).not.toContain("null");
    expect(dataJson).not.toContain('"truncated"');
  });
});
