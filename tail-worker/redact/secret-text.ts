/**
 * Secrets written into free text rather than under a field name: `token=…` or `password: …` in a
 * sentence or a logfmt line, `"apiKey":"…"` inside a message, `Authorization: Bearer …`, a bare
 * bearer token or JWT, the password of a `scheme://user:password@host` URL, and (in text joined
 * from console arguments) a secret name followed by a value that looks like one, as
 * `console.log("token", token)` prints.
 */

import { KeyScan } from "./text-matches";

export const REDACTED = "[REDACTED]";

/** What a value written after this name becomes, or undefined when the name is a plain one. */
export type NamedValueRedaction = (name: string) => ((value: string) => string) | undefined;

export interface SecretText {
  /** Every form but the bare "name value" one: for any string, in data or in text. */
  redactString(text: string): string;
  /** Also the bare "name value" form of console arguments joined by spaces (`console.log("token", t)`). */
  redactJoinedArgs(text: string): string;
}

/**
 * What follows a key (see KeyScan): a quoted value, or a bare one; under a credential header it
 * may start with its scheme (`Bearer …`).
 */
const VALUE = /\[REDACTED\]|"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|(?:(?:bearer|basic|digest|token)\s+)?[^\s,;&}\]]*/iy;
/** A bearer token anywhere (RFC 6750's token68 characters). */
const BEARER = /\b(bearer\s+)[\w.~+/-]{6,}=*/gi;
/** A JSON Web Token anywhere: three base64url parts, the first two JSON objects (`eyJ`). */
const JWT = /\beyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*/g;
/** The password of a URL's userinfo. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]{0,30}:\/\/[^\s/:@]{0,200}:)([^\s/@]{1,500})@/gi;
/**
 * A URL's userinfo without a password: often a token itself (`https://ghp_…@github.com/…`), and
 * otherwise a user name, which is no loss to redact.
 */
const URL_USER = /(\b[a-z][a-z0-9+.-]{0,30}:\/\/)([^\s/:@]{1,500})@/gi;
/** A PEM private key block, to its end or the end of the text when it was cut. */
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|$)/g;
/** A key, spaces, then a word: the bare "name value" form of joined console arguments. */
const NAME_SPACE_VALUE = /(?<![\w$.-])([\w$.-]{1,100})([ \t]+)([^\s"'<>,;]{4,500})/g;

export function secretText(redactNamed: NamedValueRedaction): SecretText {
  function redactString(text: string): string {
    // Named values first: `Authorization: Bearer …` loses its scheme and token as one value.
    let out = text.indexOf(":") === -1 && text.indexOf("=") === -1 ? text : redactKeyValues(text);
    // Searches led by a rare character first: this runs on every string a scanned event holds.
    if (out.indexOf(".eyJ") !== -1) out = out.replace(JWT, REDACTED);
    if (out.indexOf("@") !== -1 && out.indexOf("://") !== -1)
      out = out.replace(URL_PASSWORD, `$1${REDACTED}@`).replace(URL_USER, `$1${REDACTED}@`);
    if (out.indexOf("PRIVATE KEY-----") !== -1) out = out.replace(PRIVATE_KEY, REDACTED);
    if (mayHoldBearer(out)) out = out.replace(BEARER, (_, scheme: string) => `${scheme}${REDACTED}`);
    return out;
  }

  function redactKeyValues(text: string): string {
    let out = "";
    let copied = 0;
    // A plain key's value is not read at all: the scan goes on right after the key, so a value
    // that holds the next key ("Error: token: …") is searched, and no character twice.
    const keys = new KeyScan(text);
    let from = 0;
    for (let key = keys.next(0); key !== null; key = keys.next(from)) {
      from = key.end;
      const redact = redactNamed(key.name);
      if (redact === undefined) continue;
      const valueStart = key.end;
      VALUE.lastIndex = valueStart;
      const value = VALUE.exec(text)?.[0] ?? "";
      if (value === "" || value === REDACTED) continue;
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : "";
      const inner = quote === "" ? value : value.slice(1, value.length > 1 && value.endsWith(quote) ? -1 : undefined);
      const replaced = redact(inner);
      if (replaced === inner) continue;
      out += `${text.slice(copied, valueStart)}${quote}${replaced}${quote}`;
      copied = valueStart + value.length;
      from = copied;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  function redactJoinedArgs(text: string): string {
    return redactString(text).replace(NAME_SPACE_VALUE, (match, name: string, space: string, value: string) => {
      const redact = value === REDACTED || !looksLikeSecret(value) ? undefined : redactNamed(name);
      return redact === undefined ? match : `${name}${space}${redact(value)}`;
    });
  }

  return { redactString, redactJoinedArgs };
}

/**
 * What a JSON log line holds when a string in it could hold a secret its field names do not show:
 * "=" (a parameter or `key=value`), an escape (which can spell anything, and `\"` is JSON written
 * inside a string), ": " (`password: …`), "@" (a URL password), ".eyJ" (a JWT's second part), a
 * bearer scheme in any case, or a PEM private key written on one line. One native search for all
 * of them costs about 140 ns a line under V8 14 (workerd's), less than the six searches it
 * replaced (170 ns); a search led by a frequent character ("eyJ", "://") would cost several times
 * more. `token:abc` with no space has no mark: its colon is found by counting (see redactEvent).
 */
const LINE_SECRET_MARK = /[=\\@]|: |\.eyJ|bearer|PRIVATE KEY/i;

/** Whether a JSON log line could hold a secret inside a string value (see LINE_SECRET_MARK). */
export function lineMayHoldSecretText(line: string): boolean {
  return LINE_SECRET_MARK.test(line);
}

/**
 * What a string holds when any form this module or the parameter pass redacts could be in it: a
 * separator of a named value or parameter (":", "="), a URL password's "@", a JWT's ".eyJ", a
 * bearer scheme or a private key's PEM header. Most strings of data hold none ("GET", "ok", an id)
 * and cost one native search.
 */
const TEXT_SECRET_MARK = /[:=@]|\.eyJ|bearer|PRIVATE KEY/i;

/** Whether a string could hold a secret in any form but the bare "name value" of joined arguments. */
export function textMayHoldSecret(text: string): boolean {
  return TEXT_SECRET_MARK.test(text);
}

const BEARER_WORD = /bearer/i;

function mayHoldBearer(text: string): boolean {
  return BEARER_WORD.test(text);
}

/**
 * A word that reads like a credential rather than like prose after a secret's name ("token
 * expired", "password reset"): it holds a digit, a capital after its first letter, or a symbol.
 */
function looksLikeSecret(word: string): boolean {
  return /[0-9_+/=-]|.[A-Z]/.test(word);
}
