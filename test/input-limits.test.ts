import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../schemas/config/env";
import { readJsonBody } from "../tail-worker/http/body-limit";

const get = (path: string) => exports.default.fetch(`http://do-tail${path}`);

// Bodies are capped, query parameters validated, archive keys confined to the archive prefix.
describe("input limits", () => {
  it("refuses a POST body declared larger than MAX_BODY_BYTES with 413", async () => {
    const res = await exports.default.fetch("http://do-tail/flush", { method: "POST", body: "x".repeat(70_000) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { status: 413 } });
  });

  it("counts a streamed body without Content-Length against the limit too", async () => {
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("y".repeat(10_000)));
        controller.close();
      },
    });
    const request = new Request("http://do-tail/query", { method: "POST", body: stream });
    const result = await readJsonBody(request, { ...env, MAX_BODY_BYTES: "65536" } as Env);
    expect("problem" in result && result.problem.status).toBe(413);
  });

  it("answers 400 with the reason for a body that is not JSON", async () => {
    const result = await readJsonBody(new Request("http://x", { method: "POST", body: "{nope" }), env);
    expect("problem" in result && result.problem.status).toBe(400);
  });

  it.each([
    ["/archives?prefix=other/", "prefix"],
    ["/archives?prefix=tail-events/../", "prefix"],
    ["/archives?prefix=tail-events/./x", "prefix"],
    ["/archives?unknown=1", "unknown query parameter"],
    ["/archives?prefix=tail-events/&prefix=tail-events/x", "once"],
    ["/archives/tail-events%2F..%2F..%2Fsecret.json", "segments"],
    ["/archives/tail-events/%2E%2E/other/x.json", "segments"],
    ["/archives/other/x.json", "tail-events/"],
    ["/archives/tail-events/%E0%A4%A", "percent-encoding"],
    [`/archives?prefix=tail-events/${"a".repeat(1100)}`, "prefix"],
  ])("refuses %s with a 400 naming the problem", async (path, reason) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain(reason);
  });

  it("answers unknown routes with 404 JSON", async () => {
    const res = await get("/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
  });
});
