import { describe, expect, it } from "vitest";
import { isCardNumber, redactCardNumbers } from "../tail-worker/redact/card-numbers";
import { archivedJson } from "./helpers/tail-path";
import { log, traceItem } from "./helpers/trace-items";

/** The networks' published test numbers: each a right prefix, length and check digit. */
const CARDS = {
  visa: "4111111111111111",
  visa19: "4000000000000000006",
  mastercard: "5555555555554444",
  mastercard2: "2223003122003222",
  amex: "378282246310005",
  discover: "6011111111111117",
  jcb: "3530111333300000",
};

/** `digits` grouped as cards are printed: in fours, or 4-6-5 for 15 digits. */
function grouped(digits: string, separator: string): string {
  const groups = digits.length === 15 ? [4, 6, 5] : [4, 4, 4, 4, 4].slice(0, Math.ceil(digits.length / 4));
  const out: string[] = [];
  let at = 0;
  for (const size of groups) {
    out.push(digits.slice(at, at + size));
    at += size;
  }
  return out.filter((group) => group !== "").join(separator);
}

/** A deterministic generator, so that a failure names numbers that can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomDigits(next: () => number, count: number): string {
  let digits = "";
  for (let i = 0; i < count; i++) digits += Math.floor(next() * 10);
  return digits;
}

/** `prefix` plus random digits and the check digit that makes the whole `length` digits pass Luhn. */
function luhnValid(next: () => number, prefix: string, length: number): string {
  const body = prefix + randomDigits(next, length - prefix.length - 1);
  for (let check = 0; check <= 9; check++) if (isCardNumber(body + check)) return body + check;
  throw new Error(`no check digit for ${body}`);
}

describe("payment card numbers", () => {
  it("redacts each network's number written together, in groups of spaces or dashes, wherever it is logged", () => {
    for (const [network, digits] of Object.entries(CARDS)) {
      for (const written of [digits, grouped(digits, " "), grouped(digits, "-")]) {
        const item = traceItem({
          logs: [
            log("log", `charged card ${written} for order 7`),
            log("log", JSON.stringify({ _event: "checkout", payment: { number: written, brand: network } })),
            log("log", { body: `number=${written}&exp=12/29` }),
          ],
          exceptions: [{ timestamp: 1, name: "Error", message: `card declined: ${written}` }],
        });
        const json = archivedJson(item).join("\n");
        expect(json, `${network} written as ${written}`).not.toContain(written);
        expect(json.split("[REDACTED]").length - 1, `${network} written as ${written}`).toBeGreaterThanOrEqual(4);
      }
    }
  });

  it("keeps what follows a card number: its expiry, its CVC, the rest of the sentence", () => {
    expect(redactCardNumbers("card 4111 1111 1111 1111 12/29 cvc 123 declined")).toBe("card [REDACTED] 12/29 cvc 123 declined");
    expect(redactCardNumbers("pan=4111111111111111.")).toBe("pan=[REDACTED].");
    expect(redactCardNumbers("5555555555554444 and 378282246310005")).toBe("[REDACTED] and [REDACTED]");
  });

  it("finds a card after other digit groups and in a URL path", () => {
    expect(redactCardNumbers("Charged 2500 4111 1111 1111 1111 today")).toBe("Charged 2500 [REDACTED] today");
    expect(redactCardNumbers("2025 4111-1111-1111-1111")).toBe("2025 [REDACTED]");
    expect(redactCardNumbers("GET /v1/cards/4111111111111111/charge")).toBe("GET /v1/cards/[REDACTED]/charge");
    expect(redactCardNumbers("4111 1111 1111 1111 5555 5555 5555 4444")).toBe("[REDACTED] [REDACTED]");
  });

  it("redacts 2,000 random numbers of every network, in any of the three writings", () => {
    const next = random(7);
    const networks: [string, number][] = [
      ["4", 16],
      ["4", 19],
      ["51", 16],
      ["2720", 16],
      ["34", 15],
      ["6011", 19],
      ["65", 16],
      ["3589", 17],
    ];
    for (let i = 0; i < 2_000; i++) {
      const [prefix, length] = networks[i % networks.length]!;
      const digits = luhnValid(next, prefix, length);
      const written = [digits, grouped(digits, " "), grouped(digits, "-")][i % 3]!;
      expect(redactCardNumbers(`paid with ${written} today`), written).toBe("paid with [REDACTED] today");
    }
  });

  it("keeps timestamps, 13-digit ids, snowflakes, phone numbers, dates, versions and numbers failing the check", () => {
    const next = random(11);
    const kept = [
      "1893456000007",
      "at 1764522313123 ms",
      "order 4503599627370",
      "snowflake 1866438119412355072",
      "call +44 20 7946 0958 or +1 415 555 2671 now",
      "2026-11-30 17:25:13.123",
      "v4.111.1111.1111.1111",
      "4111111111111112",
      "4111 1111 1111 1112",
      "id-4111111111111111",
      "x4111111111111111",
      "00004111111111111111",
      "4111111111111111111111",
      "192.168.100.100",
      "1764522313123 1764522313124",
      "diners 30569309025904, unionpay 6200000000000005, maestro 581234567890123453",
    ];
    for (const text of kept) expect(redactCardNumbers(text), text).toBe(text);
    // A redacted digit run has a network's prefix and length, and its check: a few in a hundred.
    let redacted = 0;
    for (let i = 0; i < 5_000; i++) {
      const digits = randomDigits(next, 13 + (i % 7));
      if (redactCardNumbers(digits) !== digits) {
        redacted++;
        expect(isCardNumber(digits), digits).toBe(true);
      }
    }
    expect(redacted).toBeLessThan(5_000 * 0.03);
  });

  it("keeps a JSON line holding no card number byte for byte (numbers are ids there), and never the line of one that held one", () => {
    // Spaces after the separators: only the producer's own line writes them so.
    const line = '{"_event": "checkout", "order": "4503599627370", "variant_id": 4111111111111111, "at": 1764522313123456}';
    const [, kept] = archivedJson(traceItem({ logs: [log("log", line)] }));
    expect(kept).toContain(`"data":${line}`);
    for (const withCard of [
      `{"_event": "checkout", "note": "card ${CARDS.visa}"}`,
      `{"_event": "checkout", "pan": "${CARDS.mastercard}"}`,
      `{"_event": "checkout", "cards": [1, "${CARDS.amex}"]}`,
    ]) {
      const [, redacted] = archivedJson(traceItem({ logs: [log("log", withCard)] }));
      expect(redacted, withCard).not.toMatch(/4111111111111111|5555555555554444|378282246310005/);
      expect(redacted, withCard).toContain("[REDACTED]");
      expect(redacted, withCard).not.toContain('"_event": "checkout"');
    }
  });

  it("redacts a card number written as a JSON number under a field named for a number, and keeps ids under other names", () => {
    const line = JSON.stringify({
      _event: "charge",
      card: { number: Number(CARDS.visa), exp: "12/29" },
      pan: Number(CARDS.mastercard),
      cardNo: Number(CARDS.amex),
      orderId: Number(CARDS.discover),
      shopifyId: 7_234_567_890_123,
      trackingNumber: Number(CARDS.jcb),
      parcel: { number: 4_242_424_242_424_242, carrier: "ups" },
    });
    const json = archivedJson(traceItem({ logs: [log("log", line)] }))[1]!;
    for (const card of [CARDS.visa, CARDS.mastercard, CARDS.amex]) expect(json).not.toContain(card);
    expect(json).toContain('"card":{"number":"[REDACTED]","exp":"12/29"}');
    expect(json).toContain(`"orderId":${CARDS.discover}`);
    expect(json).toContain('"shopifyId":7234567890123');
    // Card-shaped ids elsewhere are kept: a `number` with nothing of a card beside it, a tracking number.
    expect(json).toContain(`"trackingNumber":${CARDS.jcb}`);
    expect(json).toContain(`"parcel":{"number":4242424242424242,"carrier":"ups"}`);
  });
});
