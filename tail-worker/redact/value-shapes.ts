/**
 * What a value written after a secret's name looks like, where the name alone does not settle it:
 * after `--token` or `token` joined from console arguments prose is the only other reading ("the
 * --token option is required"), after a loose separator or a phrase identifiers are too
 * (`token -> access_token`, `| secret | rotated_at |`, `user:string-width@4.2.3`).
 */

import { REDACTED } from "./secret-text";

const CREDENTIAL_LIKE = /[0-9_+/=-]|.[A-Z]/;

/**
 * A word that reads like a credential rather than like prose after a secret's name ("token
 * expired", "password reset"): it holds a digit, a capital after its first letter, or a symbol.
 */
export function looksLikeCredential(word: string): boolean {
  return CREDENTIAL_LIKE.test(word);
}

const LETTER = /[A-Za-z]/;
const DIGIT = /\d/;
const DATE = /^\d{4}-\d\d-\d\d/;
/** A code of digits only (a one-time password, a PIN) long enough not to be a count or a port. */
const DIGIT_CODE = /^\d{6,12}$/;
/** Names of algorithms and schemes, which read like secrets after "password", "signature" or "auth". */
const ALGORITHM =
  /^(?:sha-?\d+|md5|hmac[-_]?sha-?\d+|hs\d+|rs\d+|es\d+|ps\d+|argon2(?:id|i|d)?|bcrypt\d*|scrypt|pbkdf2[\w-]*|ed25519|ed448|x25519|rsa[-_]?\d*|aes[-_]?\d+[\w-]*|oauth\d?|p-?\d{3})$/i;
/** Long enough that it is a random string rather than a word or an identifier, digits or none. */
const MIN_LONG_SECRET = 24;

/**
 * A value that reads as a secret rather than as prose, an identifier, a count or an algorithm's
 * name: letters and digits, at least six characters and not a date ("hunter2", not "1500",
 * "expired", "access_token" or "argon2id"), a code of six digits or more (`482913`), or 24
 * characters or more with no space (a passphrase, a random token without digits).
 */
export function readsAsSecret(value: string): boolean {
  if (DATE.test(value)) return false;
  if (value.length >= MIN_LONG_SECRET) return value.indexOf(" ") === -1;
  if (DIGIT_CODE.test(value)) return true;
  return value.length >= 6 && LETTER.test(value) && DIGIT.test(value) && !ALGORITHM.test(value);
}

/** `[A-Za-z0-9]`: what words are made of, where a name's separators (`_`, `-`) split them. */
export function isLetterOrDigit(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}

/**
 * A value as text writes it (quoted, an unclosed quote running to its end, or a word) redacted by
 * `redact`, its quotes kept; undefined when nothing changes. `counts` says whether an unquoted
 * word counts (a quoted one always does).
 */
export function redactedValue(value: string, redact: (value: string) => string, counts: (word: string) => boolean): string | undefined {
  const quote = value[0] === '"' || value[0] === "'" ? value[0] : "";
  if (quote === "" && !counts(value)) return undefined;
  const inner = quote === "" ? value : value.slice(1, value.length > 1 && value.endsWith(quote) ? -1 : undefined);
  if (inner === "") return undefined;
  const replaced = redact(inner);
  return replaced === inner ? undefined : `${quote}${replaced}${quote}`;
}

/** A number written as text, which after a plural secret name is a count (`tokens=1500`). */
const COUNT = /^\d{1,15}(?:\.\d{1,15})?$/;

/** Text after a plural secret name (`secrets=…`): a secret unless it is a count. */
export function redactUnlessCount(value: string): string {
  return value === REDACTED || COUNT.test(value) ? value : REDACTED;
}

/** Credentials are long (an API token 32 characters or more); a model's tokens are short pieces of words. */
const MIN_TOKEN_SECRET = 16;

/**
 * A string under `tokens` that reads as a credential rather than as a model's token: 16
 * characters or more, no space, and not a special token (`<|begin_of_text|>`) nor a header's name.
 */
export function isTokenSecret(value: string): boolean {
  return value.length >= MIN_TOKEN_SECRET && value.indexOf(" ") === -1 && value.charCodeAt(0) !== 60 && !looksLikeHeaderName(value);
}

/**
 * A header's name: words joined by dashes (`X-Hub-Signature-256`), one capitalised word
 * (`Authorization`), or a credential header's name in lower case (`cookie`); not any lower-case
 * word, which a short password can be.
 */
const HEADER_NAME = /^(?:[A-Za-z][a-z]*(?:-[A-Za-z0-9][a-z0-9]*)+|[A-Z][a-z]+|authorization|cookie|signature)$/;

/** Whether a value is a header's name, which config writes under a credential's name (`apiKeyHeader: "x-api-key"`). */
export function looksLikeHeaderName(value: string): boolean {
  return value.length <= 64 && HEADER_NAME.test(value);
}

/** Text after `tokens` and its like: a secret when it reads as a credential. */
export function redactTokenSecret(value: string): string {
  return isTokenSecret(value) ? REDACTED : value;
}
