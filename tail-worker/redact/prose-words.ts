import { isSpace } from "./text-matches";
import { readsAsSecret } from "./value-shapes";

/** A name written as a word of prose: letters, words joined by `_` or `-` (`api_key`). */
const PROSE_WORD = /^[A-Za-z]+(?:[_-][A-Za-z]+)*$/;
/** A credential's characters (RFC 6750's token68): not a stack frame's `(file.js:1:2)`, nor a path's `a/b c`. */
const TOKEN68 = /^[\w.~+/=-]+$/;
const HAS_LETTER = /[A-Za-z]/;

/**
 * A word after a name in prose that reads as a secret: a credential's characters, not a hex
 * address (`token 0x1f98…`) nor a protocol (`HTTP/1.1`), and after "token" not digits alone (a
 * model's token id, `Unexpected token 128009`).
 */
export function readsAsProseSecret(word: string, name: string): boolean {
  if (!TOKEN68.test(word) || word.startsWith("0x") || word.startsWith("HTTP/") || !readsAsSecret(word)) return false;
  return HAS_LETTER.test(word) || !/^tokens?$/i.test(name);
}

/**
 * What prose needs to hold for its "name value" form to be searched: a word ending like a
 * secret's name, then a space and a word of six characters or more. The names themselves are
 * judged as field names are; `key` and `code` only with a word that makes them a secret's
 * (`API key`, `verification code`), as "cache hit for key user:42" is the usual text.
 */
const PROSE_NAME =
  /(?:token|pass(?:word|wd|phrase|code)?|secret|(?:api|private|access|signing|master|license)[ _-]?key|pwd|pw|auth|cookie|otp|cvv|cvc|sig|signature|jwt|credentials?|csrf|xsrf|ssn|hmac|seed phrase|(?:verification|recovery|backup|security|mfa|auth|pin)[ _-]?code)s?[ \t]+[^\s]{6}/i;

/** Whether prose could hold a secret's name and a value after it (see PROSE_NAME). */
export function mayHoldProseNamedValue(text: string): boolean {
  return PROSE_NAME.test(text);
}

/** Whether the name matched at `at` is a word of its own in prose (not `verifyToken (…)`, `/oauth/token …`, `a=refresh_token …`). */
export function isProseName(text: string, name: string, at: number): boolean {
  return PROSE_WORD.test(name) && (at === 0 || isSpace(text.charCodeAt(at - 1)));
}
