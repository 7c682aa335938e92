import { setOwn } from "../../schemas/lib/own-property";
import { MAX_LINE_DEPTH } from "./json-depth";

/**
 * Reads the JSON that people write by hand or with a JavaScript literal rather than
 * JSON.stringify: single-quoted strings, unquoted keys, trailing commas and comments. Used only
 * for a line that looks like an object or array and failed JSON.parse, so that its fields are
 * still redacted and queryable instead of being kept as text. Throws SyntaxError when the line
 * is not even that.
 */
export function parseLenientJson(text: string): unknown {
  const reader = new LenientReader(text);
  const value = reader.value(0);
  reader.skipBlank();
  if (!reader.done()) reader.fail("unexpected text after the value");
  return value;
}

const IDENTIFIER = /[A-Za-z_$][\w$-]*/y;
const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "0": "\0" };

class LenientReader {
  private i = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    return this.i >= this.text.length;
  }

  fail(why: string): never {
    throw new SyntaxError(`${why} at position ${this.i}`);
  }

  skipBlank(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else if (c === 47 && text.charCodeAt(this.i + 1) === 47) {
        const end = text.indexOf("\n", this.i);
        this.i = end === -1 ? text.length : end + 1;
      } else if (c === 47 && text.charCodeAt(this.i + 1) === 42) {
        const end = text.indexOf("*/", this.i + 2);
        if (end === -1) this.fail("unclosed comment");
        this.i = end + 2;
      } else return;
    }
  }

  /** `depth`: the containers around this value. Deeper lines stay text, as strict ones do. */
  value(depth: number): unknown {
    this.skipBlank();
    const c = this.text[this.i];
    if ((c === "{" || c === "[") && depth >= MAX_LINE_DEPTH) this.fail(`nested deeper than ${MAX_LINE_DEPTH} levels`);
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"' || c === "'") return this.string();
    NUMBER.lastIndex = this.i;
    const number = NUMBER.exec(this.text);
    if (number) {
      this.i += number[0].length;
      return Number(number[0]);
    }
    const word = this.identifier();
    if (word === "true") return true;
    if (word === "false") return false;
    if (word === "null" || word === "undefined") return null;
    if (word === "NaN" || word === "Infinity") return null;
    // The word itself is not named: it is the producer's value, and its key may be elsewhere.
    return this.fail(word === undefined ? "expected a value" : "unexpected word");
  }

  private object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    for (;;) {
      this.skipBlank();
      if (this.text[this.i] === "}") {
        this.i++;
        return out;
      }
      const c = this.text[this.i];
      const key = c === '"' || c === "'" ? this.string() : this.identifier();
      if (key === undefined) this.fail("expected a key");
      this.skipBlank();
      if (this.text[this.i] !== ":") this.fail("expected ':'");
      this.i++;
      setOwn(out, key, this.value(depth + 1));
      this.skipBlank();
      if (this.text[this.i] === ",") this.i++;
      else if (this.text[this.i] !== "}") this.fail("expected ',' or '}'");
    }
  }

  private array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.i++;
    for (;;) {
      this.skipBlank();
      if (this.text[this.i] === "]") {
        this.i++;
        return out;
      }
      out.push(this.value(depth + 1));
      this.skipBlank();
      if (this.text[this.i] === ",") this.i++;
      else if (this.text[this.i] !== "]") this.fail("expected ',' or ']'");
    }
  }

  private identifier(): string | undefined {
    IDENTIFIER.lastIndex = this.i;
    const match = IDENTIFIER.exec(this.text);
    if (!match) return undefined;
    this.i += match[0].length;
    return match[0];
  }

  private string(): string {
    const text = this.text;
    const quote = text[this.i]!;
    let out = "";
    let start = ++this.i;
    for (;;) {
      if (this.i >= text.length) this.fail("unclosed string");
      const c = text[this.i];
      if (c === quote) {
        out += text.slice(start, this.i++);
        return out;
      }
      if (c !== "\\") {
        this.i++;
        continue;
      }
      out += text.slice(start, this.i);
      const next = text[this.i + 1];
      if (next === "u") {
        const hex = text.slice(this.i + 2, this.i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape");
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.i += 6;
      } else if (next === undefined) {
        this.fail("unclosed string");
      } else {
        out += ESCAPES[next] ?? next;
        this.i += 2;
      }
      start = this.i;
    }
  }
}
