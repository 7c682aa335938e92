/**
 * Slices of JSON text without parsing it: the elements of an array, the members of an object, each
 * as its exact source text. Used where a value must travel byte for byte (a producer's `data` with
 * integers past 2^53 would change through JSON.parse and JSON.stringify) or where parsing a whole
 * document would cost memory for nothing. The text must be valid JSON (these find boundaries, they
 * do not validate); nesting of any depth is handled without recursion.
 */

const QUOTE = 34;
const BACKSLASH = 92;
const OPENERS = new Set([123, 91]);
const CLOSERS = new Set([125, 93]);

/** Each element of a JSON array text, as its source text, in order. Throws SyntaxError on a text that is not an array. */
export function* arrayElements(text: string): Generator<string> {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 91) throw new SyntaxError("not a JSON array");
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === 93) return;
  for (;;) {
    const end = valueEnd(text, i);
    yield text.slice(i, end);
    i = skipSpace(text, end);
    const next = text.charCodeAt(i);
    if (next === 93) return;
    if (next !== 44) throw new SyntaxError(`expected , or ] at ${i}`);
    i = skipSpace(text, i + 1);
  }
}

/** The members of a JSON object text: each key (decoded) with its value's source text. Throws SyntaxError on a text that is not an object. */
export function objectMembers(text: string): Map<string, string> {
  const members = new Map<string, string>();
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 123) throw new SyntaxError("not a JSON object");
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === 125) return members;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) throw new SyntaxError(`expected a key at ${i}`);
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== 58) throw new SyntaxError(`expected : at ${i}`);
    i = skipSpace(text, i + 1);
    const end = valueEnd(text, i);
    members.set(key, text.slice(i, end));
    i = skipSpace(text, end);
    const next = text.charCodeAt(i);
    if (next === 125) return members;
    if (next !== 44) throw new SyntaxError(`expected , or } at ${i}`);
    i = skipSpace(text, i + 1);
  }
}

function skipSpace(text: string, from: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
  }
  return i;
}

/** Where the value starting at `start` ends (exclusive). */
function valueEnd(text: string, start: number): number {
  const c = text.charCodeAt(start);
  if (c === QUOTE) return stringEnd(text, start);
  if (OPENERS.has(c)) return compositeEnd(text, start);
  let i = start;
  for (; i < text.length; i++) {
    const d = text.charCodeAt(i);
    if (d === 44 || CLOSERS.has(d) || d === 32 || d === 10 || d === 13 || d === 9) break;
  }
  if (i === start) throw new SyntaxError(`expected a value at ${start}`);
  return i;
}

/** The end of the string whose opening quote is at `start`: a quote not escaped by an odd run of backslashes. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) throw new SyntaxError(`unterminated string at ${start}`);
    let backslashes = 0;
    for (let j = quote - 1; text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

function compositeEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i) - 1;
    else if (OPENERS.has(c)) depth++;
    else if (CLOSERS.has(c) && --depth === 0) return i + 1;
  }
  throw new SyntaxError(`unterminated ${text[start] === "{" ? "object" : "array"} at ${start}`);
}
