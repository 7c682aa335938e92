import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PART_BYTES, writeArchiveObject } from "../collector-do/archive-writer";

// Objects larger than a part go up as equal parts; characters cut by a part boundary must survive.
describe("writeArchiveObject", () => {
  it.each([
    ["2-byte", "é"],
    ["3-byte", "€"],
    ["4-byte", "😀"],
    ["mixed", "a€😀é"],
  ])("writes %s characters across part boundaries byte for byte", { timeout: 60_000 }, async (_name, unit) => {
    const chunk = unit.repeat(Math.ceil(300_000 / unit.length));
    const chunks = Array.from({ length: Math.ceil((2.2 * PART_BYTES) / new TextEncoder().encode(chunk).length) }, () => chunk);
    const key = `tail-events/2040-01-01/importance-3/00-00-writer${crypto.randomUUID().slice(0, 8)}.json`;
    const written = await writeArchiveObject(env.ARCHIVE, key, chunks, { test: "1" });

    const expected = new TextEncoder().encode(chunks.join(""));
    expect(written.parts).toBe(Math.ceil(expected.length / PART_BYTES));
    expect(written.bytes).toBe(expected.length);
    const stored = new Uint8Array(await (await env.ARCHIVE.get(key))!.arrayBuffer());
    expect(stored.length).toBe(expected.length);
    expect(Buffer.compare(stored, expected)).toBe(0);
  });

  it("writes a small object with one PUT", async () => {
    const key = "tail-events/2040-01-01/importance-3/00-00-writersmall.json";
    const written = await writeArchiveObject(env.ARCHIVE, key, ["[", '{"a":"é"}', "]"], { test: "1" });
    expect(written).toEqual({ key, bytes: 12, parts: 1 });
    expect(await (await env.ARCHIVE.get(key))!.text()).toBe('[{"a":"é"}]');
  });
});
