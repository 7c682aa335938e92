/**
 * Secrets written into free text rather than under a field name: `token=…` or `password: …` in a
 * sentence or a logfmt line, `"apiKey":"…"` inside a message (also JSON written inside a JSON
 * string, `\"apiKey\":\"…\"`), `<password>…</password>`, `Authorization: Bearer …`, every
 * cookie of a `Cookie:` line, a bare bearer token, Basic credentials or JWT, the password of a
 * `scheme://user:password@host` URL or of a `user:password@host:port` written without one, secret
 * flags and program passwords of a command line (see command-line.ts, program-passwords.ts),
 * values after loose separators and phrases (see loose-names.ts), and (in text joined from console
 * arguments) a secret name followed by a value that looks like one, as `console.log("token",
 * token)` prints.
 */

import { redactCommandLine } from "./command-line";
import { namedByTwoWords, namedInWords, redactLooseNamedValues } from "./loose-names";
import { redactProgramPasswords } from "./program-passwords";
import { isProseName, mayHoldProseNamedValue, readsAsProseSecret } from "./prose-words";
import { StructureEnds } from "./structure-ends";
import { redactTextEntries } from "./text-entries";
import { KeyScan } from "./text-matches";
import { looksLikeCredential, readsAsSecret, redactTokenSecret } from "./value-shapes";

export const REDACTED = "[REDACTED]";

/** What a value written after this name becomes, or undefined when the name is a plain one. */
export type NamedValueRedaction = (name: string) => ((value: string) => string) | undefined;

export interface SecretText {
  /** Every form but the bare "name value" one: for any string, in data or in text. */
  redactString(text: string): string;
  /** Also the bare "name value" form of console arguments joined by spaces (`console.log("token", t)`). */
  redactJoinedArgs(text: string): string;
  /**
   * The bare "name value" form in prose (console text, an exception's message) where the value
   * reads as a secret (`Using token 9f8a…`, `login bob password hunter2`), after redactString.
   */
  redactProse(text: string): string;
}

/**
 * What follows a key (see KeyScan): a quoted value, or a bare one; under a credential header it
 * may start with its scheme (`Bearer …`).
 */
const VALUE = /\[REDACTED\]|"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|(?:(?:bearer|basic|digest|token)\s+)?[^\s,;&}\]]*/iy;
/** A bearer token anywhere (RFC 6750's token68 characters). */
const BEARER = /\b(bearer\s+)[\w.~+/-]{6,}=*/gi;
/** Basic credentials anywhere: base64 that decodes to `user:password` (see basicCredentials). */
const BASIC = /\b(basic\s+)([A-Za-z0-9+/]{4,}={0,2})(?![\w+/=])/gi;
/**
 * An element whose name may be a secret's: `<password>…</password>`, `<ns:Token a="1">…</ns:Token >`,
 * its value text or one CDATA section. Every part stops at a `<` (a CDATA section's too), so a
 * search from each `<` reads only to the next one.
 */
const ELEMENT = /<([\w.:-]{1,100})(\s[^<>]*)?>(<!\[CDATA\[[^\]<]*\]\]>|[^<]+)<\/\1\s*>/g;
const CDATA_START = "<![CDATA[";
/** A cookie header's name: its value is every cookie to the end of the line, not only the first. */
const COOKIE_NAME = /cookies?$/i;
/**
 * A JSON Web Token anywhere: three base64url parts, the first two JSON objects (`eyJ`). It starts
 * where no base64url character comes before it (or after an escaped line break or tab, `\neyJ…`):
 * a search from each `eyJ` inside one long run (`eyJ-eyJ-…`) would read the rest of the run every
 * time, quadratic in a hostile line.
 */
const JWT = /(?:(?<![\w-])|(?<=\\[nrt]))eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*/g;
/**
 * The password of a URL's userinfo, to the last "@" before the host (a generated password may hold
 * one), also in a URL whose slashes are escaped as JSON encoders may write them (`https:\/\/`).
 */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]{0,30}:(?:\/\/|\\\/\\\/)[^\s/:@]{0,200}:)([^\s/]{1,500})@/gi;
/**
 * A URL's userinfo without a password: often a token itself (`https://ghp_…@github.com/…`), and
 * otherwise a user name, which is no loss to redact.
 */
const URL_USER = /(\b[a-z][a-z0-9+.-]{0,30}:(?:\/\/|\\\/\\\/))([^\s/:@]{1,500})@/gi;
/**
 * `user:password@host` written without a scheme, as connection strings get printed
 * (`admin:…@db.internal:5432/app`, Go's `app:…@tcp(db:3306)/app`, `…@[::1]:5432`): only before a
 * port, a path or such a host, so that `mailto:name@example.com` and other addresses stay; not
 * after a URI scheme that names a user or a package (`sip:`, `xmpp:`, `npm:`), nor before an
 * image digest or a package version (`nginx:1.25@sha256:…`, `npm:string-width@4.2.3/…`); and
 * only a password that reads as a secret.
 */
const BARE_USERINFO =
  /(?<![\w.+/:@-])(?!(?:mailto|sips?|xmpp|tel|im|pres|npm|jsr|node|git|urn|news|nntp|docker):)([A-Za-z][\w.+-]{0,63}:)([^\s/:@"'<>]{1,200})@(?!sha\d{3}:|\d+\.\d+\.\d+(?![\d.]))(?=(?:tcp|udp|unix)\(|\[|[A-Za-z0-9.-]{1,253}(?::\d{1,5}|\/))/g;
/** A PEM private key block, to its end or the end of the text when it was cut. */
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|$)/g;
/**
 * A key and spaces before a word: the bare "name value" form of joined console arguments. The word
 * is only looked at, so that the search goes on from it: in "refreshing token …" the value of
 * "refreshing" is "token", a name itself.
 */
const NAME_SPACE_VALUE = /(?<![\w$.-])([\w$.-]{1,100})([ \t]+)(?=([^\s"'<>,;]{4,500}))/g;
/**
 * A password in SQL, quoted after its keyword: `WITH PASSWORD '…'` and `PASSWORD '…'` (PostgreSQL),
 * `IDENTIFIED BY '…'` and `IDENTIFIED WITH <plugin> BY '…'` (MySQL, MariaDB, Oracle),
 * `SET PASSWORD FOR 'u'@'h' = '…'` and `SET PASSWORD = '…'` (MySQL).
 */
const SQL_PASSWORD =
  /\b((?:PASSWORD|IDENTIFIED[ \t]+(?:WITH[ \t]+\w{1,64}[ \t]+)?BY)[ \t]+(?:FOR[ \t]+\S{1,200}[ \t]+)?(?:=[ \t]*)?)('(?:[^'\\\n]|\\.){1,500}'|"(?:[^"\\\n]|\\.){1,500}")/gi;
/** What SQL_PASSWORD needs in a text: one of its keywords, in any case (see LINE_SECRET_MARK). */
const SQL_PASSWORD_MARK = /[pP][aA][sS][sS][wW][oO][rR][dD]|[iI][dD][eE][nN][tT][iI][fF][iI][eE][dD]/;

export function secretText(redactNamed: NamedValueRedaction): SecretText {
  function redactString(text: string): string {
    // Named values first: `Authorization: Bearer …` loses its scheme and token as one value.
    let out = text.indexOf(":") === -1 && text.indexOf("=") === -1 ? text : redactKeyValues(text);
    out = redactProgramPasswords(redactCommandLine(out, redactNamed), redactNamed);
    // Searches led by a rare character first: this runs on every string a scanned event holds.
    if (out.indexOf(".eyJ") !== -1) out = out.replace(JWT, REDACTED);
    if (out.indexOf("@") !== -1) {
      if (out.indexOf("://") !== -1 || out.indexOf(":\\/\\/") !== -1)
        out = out.replace(URL_PASSWORD, `$1${REDACTED}@`).replace(URL_USER, `$1${REDACTED}@`);
      out = out.replace(BARE_USERINFO, (match, user: string, password: string) =>
        password !== REDACTED && readsAsSecret(password) ? `${user}${REDACTED}@` : match,
      );
    }
    if (out.indexOf("PRIVATE KEY-----") !== -1) out = out.replace(PRIVATE_KEY, REDACTED);
    if (out.indexOf("</") !== -1) out = out.replace(ELEMENT, redactElement);
    if (out.indexOf('",') !== -1) out = redactTextEntries(out, redactNamed);
    if (SQL_PASSWORD_MARK.test(out)) out = out.replace(SQL_PASSWORD, redactSqlPassword);
    out = redactLooseNamedValues(out, redactNamed);
    if (mayHoldScheme(out)) {
      out = out
        .replace(BEARER, (_, scheme: string) => `${scheme}${REDACTED}`)
        .replace(BASIC, (match, scheme: string, value: string) => (basicCredentials(value) ? `${scheme}${REDACTED}` : match));
    }
    return out;
  }

  function redactElement(match: string, name: string, attributes: string | undefined, content: string): string {
    const cdata = content.startsWith(CDATA_START);
    const value = cdata ? content.slice(CDATA_START.length, -3) : content;
    const redact = value === REDACTED ? undefined : redactNamed(name);
    if (redact === undefined) return match;
    const replaced = redact(value);
    if (replaced === value) return match;
    return `<${name}${attributes ?? ""}>${cdata ? `${CDATA_START}${replaced}]]>` : replaced}</${name}>`;
  }

  function redactKeyValues(text: string): string {
    let out = "";
    let copied = 0;
    // A plain key's value is not read at all: the scan goes on right after the key, so a value
    // that holds the next key ("Error: token: …") is searched, and no character twice.
    const keys = new KeyScan(text);
    const structures = new StructureEnds(text);
    let from = 0;
    for (let key = keys.next(0); key !== null; key = keys.next(from)) {
      from = key.end;
      const redact = redactNamed(key.name) ?? namedInWords(text, key, redactNamed);
      if (redact === undefined) continue;
      const valueStart = key.end;
      const escaped = escapedValue(text, valueStart);
      let value: string;
      let quote: string;
      let inner: string;
      if (escaped !== undefined) ({ value, quote, inner } = escaped);
      else {
        VALUE.lastIndex = valueStart;
        value = VALUE.exec(text)?.[0] ?? "";
        quote = value[0] === '"' || value[0] === "'" ? value[0] : "";
        // A cookie header's unquoted value is all its cookies: `Cookie: a=1; sid=…` to the line's end.
        if (quote === "" && COOKIE_NAME.test(key.name) && separatorBefore(text, valueStart) === 58)
          value = text.slice(valueStart, lineEnd(text, valueStart));
        // A structure under a secret's name (`"password":{"new":…,"old":…}`) goes whole, as in data;
        // a model's token counts under `tokens` stay.
        else if (quote === "" && redact !== redactTokenSecret) value = text.slice(valueStart, structures.at(valueStart, value));
        inner = quote === "" ? value : value.slice(1, value.length > 1 && value.endsWith(quote) ? -1 : undefined);
      }
      if (value === "" || inner === REDACTED) continue;
      const replaced = redact(inner);
      if (replaced === inner) continue;
      out += `${text.slice(copied, valueStart)}${quote}${replaced}${quote}`;
      copied = valueStart + value.length;
      from = copied;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  function redactJoinedArgs(text: string): string {
    return redactNamedWords(redactString(text), looksLikeCredential, false);
  }

  function redactProse(text: string): string {
    return mayHoldProseNamedValue(text) ? redactNamedWords(text, readsAsProseSecret, true) : text;
  }

  /**
   * A secret's name, spaces, and a word `counts` takes for a value: the word redacted as the
   * name says. `secretsOnly`: only what the name makes `[REDACTED]`, never a pseudonym (prose is
   * read after the data's other passes, which already wrote theirs).
   */
  function redactNamedWords(text: string, counts: (word: string, name: string) => boolean, secretsOnly: boolean): string {
    let out = "";
    let copied = 0;
    NAME_SPACE_VALUE.lastIndex = 0;
    for (let match = NAME_SPACE_VALUE.exec(text); match !== null; match = NAME_SPACE_VALUE.exec(text)) {
      const [whole, name, , value] = match as unknown as [string, string, string, string];
      // In prose a name is a word of its own (not `verifyToken (index.js:1:2)`, `/oauth/token HTTP/1.1`, `grant_type=refresh_token …`).
      if (secretsOnly && !isProseName(text, name, match.index)) continue;
      const redact =
        value === REDACTED || !counts(value, name)
          ? undefined
          : (redactNamed(name) ?? namedByTwoWords(text, match.index, name, redactNamed));
      if (redact === undefined) continue;
      const replaced = redact(value);
      if (replaced === value || (secretsOnly && replaced.indexOf(REDACTED) === -1)) continue;
      const valueStart = match.index + whole.length;
      out += `${text.slice(copied, valueStart)}${replaced}`;
      copied = valueStart + value.length;
      NAME_SPACE_VALUE.lastIndex = copied;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  return { redactString, redactJoinedArgs, redactProse };
}

/**
 * What a JSON log line holds when a string in it could hold a secret its field names do not show:
 * "=" (a parameter or `key=value`), an escape (which can spell anything, and `\"` is JSON written
 * inside a string), ": " (`password: …`), "|" or "->" (`token | …`), "--" or "-p" (a flag,
 * `--token …`, `-password …`, `mysql -p…`, and a PEM private key's `-----BEGIN`), "@" (a URL
 * password), ".eyJ" (a JWT's second part), a bearer or Basic scheme or SQL's password keywords in
 * any case, or a closing tag (`<password>…</password>`). One native search for all of them.
 * Under V8 14 (workerd's) it costs about 190 ns a line with the words' cases spelled out as
 * classes, and half as much again with the `i` flag, which matches the same (without `u`, the flag
 * matches an ASCII letter to its other case only). One more alternative led by a space (" is ",
 * " -a") makes the search about three times slower, as does one led by a frequent character
 * ("eyJ", "://"): a line whose only mark would be one of those (`{"note":"the token is …"}`) is
 * not searched. `token:abc` with no space has no mark: its colon is found by counting (see
 * redactEvent).
 */
const LINE_SECRET_MARK =
  /[=\\@|]|: |-[->pP]|\.eyJ|<\/|[bB](?:[eE][aA][rR][eE][rR]|[aA][sS][iI][cC])|[pP][aA][sS][sS][wW][oO][rR][dD]|[iI][dD][eE][nN][tT][iI][fF][iI][eE][dD]/;

/** Whether a JSON log line could hold a secret inside a string value (see LINE_SECRET_MARK). */
export function lineMayHoldSecretText(line: string): boolean {
  return LINE_SECRET_MARK.test(line);
}

/**
 * What a string holds when any form this module or the parameter pass redacts could be in it: a
 * separator of a named value or parameter (":", "="), a loose one (a tab, "|", "->", " is "), a
 * flag's dash (" -x", "--", also a PEM private key's `-----BEGIN`), a line break, Redis's `AUTH`,
 * a URL password's "@", a JWT's ".eyJ", a bearer or Basic scheme, SQL's password keywords, or a
 * closing tag. Most strings of data hold none ("GET", "ok", an id) and cost one native search.
 * Words in any case are spelled out as classes, as in LINE_SECRET_MARK.
 */
const TEXT_SECRET_MARK =
  /[:=@|\t\n]|-[->]|\.eyJ|<\/|[bB](?:[eE][aA][rR][eE][rR]|[aA][sS][iI][cC])|[pP][aA][sS][sS][wW][oO][rR][dD]|[iI][dD][eE][nN][tT][iI][fF][iI][eE][dD]| (?:-[a-zA-Z]|[iI][sS] )/;

/** Whether a string could hold a secret in any form but the bare "name value" of joined arguments. */
export function textMayHoldSecret(text: string): boolean {
  return TEXT_SECRET_MARK.test(text) || text.charCodeAt(0) === 45 || text.indexOf("AUTH") !== -1;
}

const SCHEME_WORD = /[bB](?:[eE][aA][rR][eE][rR]|[aA][sS][iI][cC])/;

function mayHoldScheme(text: string): boolean {
  return SCHEME_WORD.test(text);
}

/** How far an escaped value's closing quote is looked for: searching to the text's end from every name is quadratic. */
const MAX_ESCAPED_VALUE = 4096;

/**
 * A value in quotes escaped as JSON written inside a JSON string writes them (`\"…\"`, at any
 * depth): its opening and closing quote (the same backslashes and quote) and what is between; with
 * no closing quote within MAX_ESCAPED_VALUE characters, to there (as VALUE reads an unclosed
 * quote, redacted whole). Undefined when the value is not one.
 */
function escapedValue(text: string, start: number): { value: string; quote: string; inner: string } | undefined {
  let at = start;
  while (text.charCodeAt(at) === 92) at++;
  const quoteChar = text[at];
  if (at === start || (quoteChar !== '"' && quoteChar !== "'")) return undefined;
  const escapes = at - start;
  const quote = text.slice(start, at + 1);
  // Each level of writing doubles the backslashes before a quote and adds one: at this depth the
  // closing quote has `escapes` of them, after any number of the inner text's own backslashes
  // (2 × escapes + 2 each: `ab\` inside `\"…\"` ends `ab\\\\\"`). Other runs are quotes deeper in.
  const limit = Math.min(text.length, at + 1 + MAX_ESCAPED_VALUE);
  for (let close = text.indexOf(quoteChar, at + 1); close !== -1 && close < limit; close = text.indexOf(quoteChar, close + 1)) {
    let run = 0;
    while (close - 1 - run > at && text.charCodeAt(close - 1 - run) === 92) run++;
    if (run >= escapes && (run - escapes) % (2 * escapes + 2) === 0)
      return { value: text.slice(start, close + 1), quote, inner: text.slice(at + 1, close - escapes) };
  }
  return { value: text.slice(start, limit), quote, inner: text.slice(at + 1, limit) };
}

function redactSqlPassword(match: string, lead: string, quoted: string): string {
  return quoted.slice(1, -1) === REDACTED ? match : `${lead}${quoted[0]}${REDACTED}${quoted[0]}`;
}

/** The separator a key's value follows (`:` or `=`): the character before the spaces before `valueStart`. */
function separatorBefore(text: string, valueStart: number): number {
  let at = valueStart - 1;
  while (at > 0 && (text.charCodeAt(at) === 32 || text.charCodeAt(at) === 9)) at--;
  return text.charCodeAt(at);
}

/** Where the line ends: a line break, or one written as an escape (`\n`, `\r`) as JSON text holds it. */
function lineEnd(text: string, from: number): number {
  let end = from;
  for (; end < text.length; end++) {
    const c = text.charCodeAt(end);
    if (c === 10 || c === 13) break;
    if (c === 92) {
      const next = text.charCodeAt(end + 1);
      if (next === 110 || next === 114) break;
    }
  }
  return end;
}

/**
 * `user:password` in printable ASCII, as Basic credentials decode; with no user, a token of some
 * length (`:<token>`), so that a short word in prose ("Basic Only" decodes to ":yr") is not one.
 */
const USER_PASSWORD = /^(?:[\x20-\x39\x3b-\x7e]+:[\x20-\x7e]+|:[\x20-\x7e]{8,})$/;

/**
 * Whether a Basic scheme's value decodes to `user:password`: a word after "basic" in prose ("Basic
 * Options") decodes to bytes that are not printable text.
 */
function basicCredentials(value: string): boolean {
  // What atob refuses is told apart first: a throw costs microseconds, and prose repeats "basic".
  const decodable = value.indexOf("=") === -1 ? value.length % 4 !== 1 : value.length % 4 === 0;
  if (!decodable) return false;
  try {
    return USER_PASSWORD.test(atob(value));
  } catch {
    return false;
  }
}
