/**
 * The two ways a name and its value are written into text, found the way a global regular
 * expression would find them from a position (its lastIndex), but led by their separators: a
 * regular expression tries every position of the text, and these run on every string redaction
 * scans (a URL cost about 1 µs that way, about a tenth of it this way). test/redaction-text-matches
 * checks both against the expressions they stand for on random and hostile text.
 */

/** A key found by KeyScan: the name without its quotes, and where the match starts and ends. */
export interface KeyMatch {
  index: number;
  name: string;
  /** After the separator and the spaces that follow it: where the value starts. */
  end: number;
}

/** A parameter found by nextParameter: `index` is that of its leading `?`, `&`, `;` or `#` (0 at the text's start). */
export interface ParameterMatch {
  index: number;
  name: string;
  value: string;
  /** After the value. */
  end: number;
}

const MAX_NAME = 100;

/**
 * The keys of one text, left to right: `next(from)` answers the first `key:`, `"key": `, `key=`,
 * `'key' =>` … at or after `from` as `/(?<![\w$.-])(\\*["']|)([\w$.-]{1,100})\1(\s*(?:=>|[:=])\s*)/g`
 * finds it from lastIndex `from`: a name of word characters, `$`, `.` or `-` that does not start
 * inside a longer run of them, in matching quotes or none, then spaces, `:`, `=` or the `=>` of
 * PHP arrays and Ruby hashes, spaces. A quote may be
 * escaped as JSON written inside a JSON string writes it (`\"key\":`, at any depth), the same on
 * both sides. The next `:` and `=` are kept between calls, so a text is searched once however many
 * keys it holds (`from` only grows from call to call).
 */
export class KeyScan {
  private colon = -2;
  private equals = -2;

  constructor(private readonly text: string) {}

  next(from: number): KeyMatch | null {
    const text = this.text;
    if (this.colon !== -1 && this.colon < from) this.colon = text.indexOf(":", from);
    if (this.equals !== -1 && this.equals < from) this.equals = text.indexOf("=", from);
    while (this.colon !== -1 || this.equals !== -1) {
      let separator: number;
      if (this.equals === -1 || (this.colon !== -1 && this.colon < this.equals)) {
        separator = this.colon;
        this.colon = text.indexOf(":", separator + 1);
      } else {
        separator = this.equals;
        this.equals = text.indexOf("=", separator + 1);
      }
      const found = keyBefore(text, separator, from);
      if (found !== null) return found;
    }
    return null;
  }
}

function keyBefore(text: string, separator: number, from: number): KeyMatch | null {
  let closing = separator;
  while (closing > from && isSpace(text.charCodeAt(closing - 1))) closing--;
  const last = text.charCodeAt(closing - 1);
  const quote = last === 34 || last === 39 ? last : 0;
  // Backslashes escaping the closing quote: no name character is one, so all of them.
  let escapes = 0;
  if (quote !== 0) while (closing - 2 - escapes >= 0 && text.charCodeAt(closing - 2 - escapes) === 92) escapes++;
  const nameEnd = quote === 0 ? closing : closing - 1 - escapes;
  let nameStart = nameEnd;
  while (nameStart > 0 && nameEnd - nameStart <= MAX_NAME && isKeyChar(text.charCodeAt(nameStart - 1))) nameStart--;
  const length = nameEnd - nameStart;
  if (length === 0 || length > MAX_NAME) return null;
  let index = nameStart;
  if (quote !== 0) {
    // Quoted: the same quote, escaped the same way, opens it, and no key character stands before that.
    const open = nameStart - 1;
    if (open < escapes || text.charCodeAt(open) !== quote) return null;
    for (let i = 1; i <= escapes; i++) if (text.charCodeAt(open - i) !== 92) return null;
    index = open - escapes;
    if (index > 0 && isKeyChar(text.charCodeAt(index - 1))) return null;
  }
  if (index < from) return null;
  let end = separator + 1;
  if (text.charCodeAt(separator) === 61 && text.charCodeAt(end) === 62) end++;
  while (end < text.length && isSpace(text.charCodeAt(end))) end++;
  return { index, name: text.slice(nameStart, nameEnd), end };
}

/** `&` as JSON encoders such as Go's escape it, in a URL written into JSON that is text here. */
const ESCAPED_AMPERSAND = "\\u0026";

/** Whether `\u0026` ends right before `at` (its last character is a "6"). */
function escapedAmpersandBefore(text: string, at: number): boolean {
  return text.charCodeAt(at - 1) === 54 && at >= 6 && text.startsWith(ESCAPED_AMPERSAND, at - 6);
}

/**
 * The first `name=value` parameter at or after `from`, as
 * `/(^|[?&;#])([^=&#?;\s"'<>]{1,100})=([^&#;\s"'<>]*)/g` finds it: at the text's start or after
 * `?`, `&`, `;` or `#`, an `&` escaped as `\u0026` too.
 */
export function nextParameter(text: string, from: number): ParameterMatch | null {
  for (let equals = text.indexOf("=", from); equals !== -1; equals = text.indexOf("=", equals + 1)) {
    let nameStart = equals;
    while (
      nameStart > from &&
      equals - nameStart <= MAX_NAME &&
      isParameterNameChar(text.charCodeAt(nameStart - 1)) &&
      !escapedAmpersandBefore(text, nameStart)
    )
      nameStart--;
    const length = equals - nameStart;
    if (length === 0 || length > MAX_NAME) continue;
    let index: number;
    if (nameStart === 0) index = 0;
    else {
      const before = text.charCodeAt(nameStart - 1);
      // ? & ; #
      if (before === 63 || before === 38 || before === 59 || before === 35) index = nameStart - 1;
      else if (escapedAmpersandBefore(text, nameStart)) index = nameStart - ESCAPED_AMPERSAND.length;
      else continue;
      if (index < from) continue;
    }
    let end = equals + 1;
    while (
      end < text.length &&
      isParameterValueChar(text.charCodeAt(end)) &&
      !(text.charCodeAt(end) === 92 && text.startsWith(ESCAPED_AMPERSAND, end))
    )
      end++;
    return {
      index,
      name: text.slice(nameStart, equals),
      value: text.slice(equals + 1, end),
      end,
    };
  }
  return null;
}

/** `[\w$.-]` */
function isKeyChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 95 ||
    code === 36 ||
    code === 46 ||
    code === 45
  );
}

/** `[^=&#?;\s"'<>]` */
function isParameterNameChar(code: number): boolean {
  return code !== 61 && code !== 63 && isParameterValueChar(code);
}

/** `[^&#;\s"'<>]` */
function isParameterValueChar(code: number): boolean {
  return code !== 38 && code !== 35 && code !== 59 && code !== 34 && code !== 39 && code !== 60 && code !== 62 && !isSpace(code);
}

/** `\s`: ECMAScript's white space and line terminators. */
export function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 5760 ||
    (code >= 8192 && code <= 8202) ||
    code === 8232 ||
    code === 8233 ||
    code === 8239 ||
    code === 8287 ||
    code === 12288 ||
    code === 65279
  );
}

/** A parameter's name or value as written, URL-decoded (`+` as a space) to be judged; as it is when it does not decode. */
export function decodeName(text: string): string {
  if (text.indexOf("%") === -1 && text.indexOf("+") === -1) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}
