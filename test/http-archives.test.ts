import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { collector } from "./helpers/collector";
import { wireEvents } from "./helpers/wire-events";

// GET /archives pages through R2's listing (at most 1,000 keys a call, continued with `cursor`);
// GET /archives/<key> answers an object as stored. Both stay inside tail-events/.
const api = (path: string) => exports.default.fetch(`http://do-tail${path}`);

interface Listing {
  objects: { key: string; size: number; etag: string; uploaded: string; customMetadata: Record<string, string> }[];
  truncated: boolean;
  cursor?: string;
}

/** Every key the API lists, page by page; without a prefix the API's default applies. */
async function listAll(prefix?: string): Promise<{ keys: string[]; pages: Listing[] }> {
  const pages: Listing[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ ...(prefix === undefined ? {} : { prefix }), ...(cursor ? { cursor } : {}) });
    const res = await api(`/archives?${query}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Listing;
    pages.push(page);
    cursor = page.truncated ? page.cursor : undefined;
    // A truncated page must say where to continue.
    if (page.truncated) expect(page.cursor).toBeTruthy();
    else expect(page.cursor).toBeUndefined();
  } while (cursor);
  return { keys: pages.flatMap((p) => p.objects.map((o) => o.key)), pages };
}

describe("GET /archives", () => {
  it("lists more than 1,000 objects by following the cursor until truncated is false", async () => {
    const prefix = "tail-events/2031-04-01/";
    const keys = Array.from({ length: 1_003 }, (_, i) => `${prefix}importance-3/10-00-${i.toString(36).padStart(4, "0")}.json`);
    // Written straight into R2: the listing, not the flush, is under test.
    for (let i = 0; i < keys.length; i += 100) {
      await Promise.all(
        keys.slice(i, i + 100).map((key, j) => env.ARCHIVE.put(key, `[${i + j}]`, { customMetadata: { eventCount: "1" } })),
      );
    }

    const { keys: listed, pages } = await listAll(prefix);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.every((p) => p.objects.length <= 1_000)).toBe(true);
    expect(listed).toHaveLength(1_003);
    expect(new Set(listed)).toEqual(new Set(keys));
    expect(pages[0]!.objects[0]).toMatchObject({ customMetadata: { eventCount: "1" } });
    expect(Date.parse(pages[0]!.objects[0]!.uploaded)).not.toBeNaN();
    // A thousand R2 writes plus a dozen pages take seconds when other files run alongside: this
    // raises the runner's 5 s default so a busy machine does not fail the test; it asserts no speed.
  }, 60_000);

  it("lists under tail-events/ when no prefix is given", async () => {
    await env.ARCHIVE.put("tail-events/2031-04-02/importance-0/00-00-default.json", "[]");
    await env.ARCHIVE.put("private/not-an-archive.json", "{}");
    const { keys } = await listAll();
    expect(keys).toContain("tail-events/2031-04-02/importance-0/00-00-default.json");
    expect(keys.every((key) => key.startsWith("tail-events/"))).toBe(true);
  });

  it("rejects a prefix outside tail-events/ with 400", async () => {
    await env.ARCHIVE.put("private/secret.json", "{}");
    for (const prefix of ["private/", "tail-events/../private/", "tail"]) {
      const res = await api(`/archives?prefix=${encodeURIComponent(prefix)}`);
      expect(res.status, JSON.stringify(prefix)).toBe(400);
      expect(await res.json()).toMatchObject({ error: { status: 400 } });
    }
  });
});

describe("GET /archives/<key>", () => {
  it("answers an archive object exactly as stored", async () => {
    // Any collector will do: the route reads R2, whoever wrote the object.
    const stub = collector("archive-get");
    await stub.ingest({ events: wireEvents(3, { importance: 1, timestamp: Date.UTC(2031, 4, 5, 6, 7) }) });
    const [object] = (await stub.flush()).objects;
    const stored = await env.ARCHIVE.get(object!.key);
    const expected = await stored!.text();

    const res = await api(`/archives/${object!.key}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.text()).toBe(expected);
    expect(res.headers.get("x-archive-eventcount")).toBe("3");
    // The listing's etag is the object's: mirrors (`archives sql`) refetch only when it changes.
    const listing = (await (await api(`/archives?prefix=${encodeURIComponent(object!.key)}`)).json()) as Listing;
    expect(listing.objects.map((o) => o.etag)).toEqual([stored!.etag]);
  });

  it("answers 404 JSON for a missing key and 400 for a key outside tail-events/", async () => {
    const missing = await api("/archives/tail-events/2031-04-03/importance-0/00-00-missing.json");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { status: 404 } });

    await env.ARCHIVE.put("private/secret.json", "{}");
    for (const path of [
      "/archives/private/secret.json",
      "/archives/tail-events/../private/secret.json",
      "/archives/tail-events/%2E%2E/private/secret.json",
    ]) {
      const res = await api(path);
      expect(res.status, path).not.toBe(200);
      expect(await res.text(), path).not.toBe("{}");
    }
    expect((await api("/archives/private/secret.json")).status).toBe(400);
  });
});
