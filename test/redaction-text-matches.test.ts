import { describe, expect, it } from "vitest";
import { KeyScan, nextParameter } from "../tail-worker/redact/text-matches";

/** What the scanners stand for: the regular expressions redaction used to run over every string. */
const KEY = /(?<![\w$.-])(\\*["']|)([\w$.-]{1,100})\1(\s*(?:=>|[:=])\s*)/g;
const PARAMETER = /(^|[?&;#])([^=&#?;\s"'<>]{1,100})=([^&#;\s"'<>]*)/g;

/** Pieces texts are made of: every character class either expression tells apart, and long runs. */
const PIECES = [
  "a",
  "Z",
  "0",
  "_",
  "$",
  ".",
  "-",
  "token",
  "page",
  "user",
  ":",
  "=",
  '"',
  "'",
  " ",
  "\t",
  "\n",
  "\u00a0",
  "\u2028",
  "\ufeff",
  "\u3000",
  "\u202f",
  "\u1680",
  "\u2000",
  "\u200a",
  "\u205f",
  "\u2029",
  "\v",
  "\f",
  "\r",
  "\u200b",
  "\u180e",
  "\u0085",
  "?",
  "&",
  ";",
  "#",
  "<",
  ">",
  "=>",
  "/",
  "\\",
  ",",
  "}",
  "]",
  "é",
  "\ud83d\ude00",
  "https://",
  "[REDACTED]",
  "k".repeat(99),
  "k".repeat(100),
  "k".repeat(101),
];

/** A deterministic generator, so that a failure names a text that can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function texts(count: number, seed: number): string[] {
  const next = random(seed);
  return Array.from({ length: count }, () => {
    let text = "";
    const pieces = Math.floor(next() * 24);
    for (let i = 0; i < pieces; i++) text += PIECES[Math.floor(next() * PIECES.length)]!;
    return text;
  });
}

function regexKeys(text: string): { index: number; name: string; end: number }[] {
  KEY.lastIndex = 0;
  return [...text.matchAll(KEY)].map((m) => ({ index: m.index, name: m[2]!, end: m.index + m[0].length }));
}

function scannedKeys(text: string): { index: number; name: string; end: number }[] {
  const scan = new KeyScan(text);
  const found = [];
  for (let key = scan.next(0); key !== null; key = scan.next(key.end)) found.push(key);
  return found;
}

function regexParameters(text: string): { index: number; name: string; value: string; end: number }[] {
  PARAMETER.lastIndex = 0;
  return [...text.matchAll(PARAMETER)].map((m) => ({ index: m.index, name: m[2]!, value: m[3]!, end: m.index + m[0].length }));
}

function scannedParameters(text: string): { index: number; name: string; value: string; end: number }[] {
  const found = [];
  for (let parameter = nextParameter(text, 0); parameter !== null; parameter = nextParameter(text, parameter.end)) found.push(parameter);
  return found;
}

const CASES = [
  "https://api.example.com/v1/items/7?page=2&access_token=abc#id_token=x",
  'request body {"user":"bob", "password" : "p w"} done',
  "Authorization: Bearer abc; token=x=y; 'apiKey': 'k'",
  "a:=b ==c :d x\u00a0:\u2028y",
  "\"'k\":v 'k\":v \"k':v ''k'':v",
  `${"k".repeat(101)}=1&${"k".repeat(100)}=2?${"k".repeat(100)}:3`,
  "=x &=y ?a= #b=c;d=e<f=g>h=i",
  "array('password' => 'p', \"k\"=>v) {:token=>\"t\"} a=>=>b ==>c",
  '{\\"token\\":\\"x\\"} {\\\\\\"k\\\\\\": 1} \\"k":v "k\\":v \\\\\\"k\\":v a\\"k\\":v',
  "",
];

describe("separator-led scans find what the regular expressions found", () => {
  it("finds the same keys, left to right, on chosen and 20,000 random texts", () => {
    for (const text of [...CASES, ...texts(20_000, 1)]) expect(scannedKeys(text), JSON.stringify(text)).toEqual(regexKeys(text));
  });

  it("finds the same key from any position (the scan goes on after a redacted value)", () => {
    for (const text of [...CASES, ...texts(3_000, 2)]) {
      for (let from = 0; from <= text.length; from++) {
        KEY.lastIndex = from;
        const m = KEY.exec(text);
        const expected = m === null ? null : { index: m.index, name: m[2]!, end: m.index + m[0].length };
        expect(new KeyScan(text).next(from), `${JSON.stringify(text)} from ${from}`).toEqual(expected);
      }
    }
  });

  it("finds the same parameters on chosen and 20,000 random texts, and from any position", () => {
    for (const text of [...CASES, ...texts(20_000, 3)])
      expect(scannedParameters(text), JSON.stringify(text)).toEqual(regexParameters(text));
    for (const text of [...CASES, ...texts(3_000, 4)]) {
      for (let from = 0; from <= text.length; from++) {
        PARAMETER.lastIndex = from;
        const m = PARAMETER.exec(text);
        const expected = m === null ? null : { index: m.index, name: m[2]!, value: m[3]!, end: m.index + m[0].length };
        expect(nextParameter(text, from), `${JSON.stringify(text)} from ${from}`).toEqual(expected);
      }
    }
  });

  it("reads a text with many separators once: 200,000 keys and a last '=' do not rescan it", () => {
    const text = `${"a:".repeat(200_000)}b=c`;
    const scan = new KeyScan(text);
    let keys = 0;
    for (let key = scan.next(0); key !== null; key = scan.next(key.end)) keys++;
    expect(keys).toBe(200_001);
    expect(scannedParameters(`${"&x".repeat(100_000)}=1`)).toEqual([{ index: 199_998, name: "x", value: "1", end: 200_002 }]);
  });
});
