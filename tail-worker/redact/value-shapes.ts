/**
 * What a value written after a secret's name looks like, where the name alone does not settle it:
 * after `--token` or `token` joined from console arguments prose is the only other reading ("the
 * --token option is required"), after a loose separator or a phrase identifiers are too
 * (`token -> access_token`, `| secret | rotated_at |`, `user:string-width@4.2.3`).
 */

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
/** Long enough that it is a random string rather than a word or an identifier, digits or none. */
const MIN_LONG_SECRET = 24;

/**
 * A value that reads as a secret rather than as prose or an identifier: letters and digits, at
 * least six characters and not a date ("hunter2", not "1500", "expired" or "access_token"), or
 * 24 characters or more with no space (a passphrase, a random token without digits).
 */
export function readsAsSecret(value: string): boolean {
  if (value.length >= MIN_LONG_SECRET) return value.indexOf(" ") === -1;
  return value.length >= 6 && LETTER.test(value) && DIGIT.test(value) && !DATE.test(value);
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
