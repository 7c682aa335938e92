import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hmacSha256Hex, sha256Hex } from "../tail-worker/redact/sha256";

/** Inputs around every block boundary, in every UTF-8 width, with lone surrogates. */
function inputs(): string[] {
  const units = ["a", "é", "€", "😀", "\ud800", "\udc00", "\u0000", "\u007f", "\u0080", "\u07ff", "\u0800", "\uffff"];
  const out = [""];
  for (let length = 1; length <= 200; length++) out.push("x".repeat(length));
  let seed = 7;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  for (let n = 0; n < 2000; n++) {
    let text = "";
    const length = next() % 90;
    for (let i = 0; i < length; i++) text += units[next() % units.length];
    out.push(text);
  }
  return out;
}

describe("sha256 (the pseudonyms' digest)", () => {
  it("equals node:crypto's SHA-256 for inputs across block boundaries, UTF-8 widths and lone surrogates", () => {
    for (const text of inputs()) expect(sha256Hex(text), JSON.stringify(text)).toBe(createHash("sha256").update(text).digest("hex"));
  });

  it("equals node:crypto's HMAC-SHA-256 for short, block-sized and long keys", () => {
    for (const key of ["salt-for-tests-0123456789", "k".repeat(64), "k".repeat(65), `long ${"é".repeat(100)}`, "\ud800 odd key 0123"]) {
      const hmac = hmacSha256Hex(key);
      for (const text of inputs())
        expect(hmac(text), JSON.stringify([key, text])).toBe(createHmac("sha256", key).update(text).digest("hex"));
    }
  });

  it("answers the leading hex digits asked for", () => {
    expect(sha256Hex("abc", 16)).toBe(createHash("sha256").update("abc").digest("hex").slice(0, 16));
    expect(hmacSha256Hex("salt-for-tests-0123456789", 16)("abc")).toBe(
      createHmac("sha256", "salt-for-tests-0123456789").update("abc").digest("hex").slice(0, 16),
    );
  });
});
