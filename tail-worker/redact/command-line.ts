/**
 * Secrets in command lines a Worker logs (a job it starts, a tool it reports on): the value after
 * a flag that names a secret (`--password hunter2`, `-storepass …`, `["--token", "…"]` in an argv
 * array), and the password of curl's `-u user:password`, whose user name comes first and names
 * nothing. Programs whose password options name nothing: see program-passwords.ts.
 */

import type { NamedValueRedaction } from "./secret-text";
import { isLetterOrDigit, looksLikeCredential, readsAsSecret, redactedValue } from "./value-shapes";

/** A flag's name: a letter, then up to 99 word characters, dots or dashes. */
const FLAG_NAME = "[A-Za-z][\\w.-]{0,99}";
/** A flag in text: `--name` or `-name`, spaces, then its value (quoted, or a word), unless that is another flag. */
const FLAG_VALUE = new RegExp(
  `(?<![\\w-])(--?)(${FLAG_NAME})([ \\t]+)(?!-)("(?:[^"\\\\]|\\\\.)*"?|'(?:[^'\\\\]|\\\\.)*'?|[^\\s"'<>,;]+)`,
  "g",
);
/** A whole word that is a flag: `--password`, `-token`. */
const FLAG_WORD = new RegExp(`^--?(${FLAG_NAME})$`);
/**
 * curl's `-u`/`--user` and `-U`/`--proxy-user`, attached, after spaces or after `=`, then
 * `user:password` (quoted or not). One bounded run of spaces: two unbounded ones side by side
 * would make a failed match quadratic.
 */
const USER_OPTION = /(?<![\w-])(-u|-U|--user|--proxy-user)((?:[ \t]{1,16}|=)?["']?([^\s:"']{0,200}):)([^\s"']{1,500})/g;
/** The options USER_OPTION reads, as argv elements. */
const USER_OPTION_WORDS = new Set(["-u", "-U", "--user", "--proxy-user"]);
/** `uid:gid`, as `docker run -u 1000:1000` writes it: not a password. */
const DIGITS = /^\d+$/;

/** The text with the values of secret flags and of curl's user option redacted. */
export function redactCommandLine(text: string, redactNamed: NamedValueRedaction): string {
  let out = text;
  if (mayHoldFlag(out))
    out = out.replace(FLAG_VALUE, (match, dashes: string, name: string, space: string, value: string) => {
      const redact = redactNamed(name);
      // Unquoted, only a word that reads like a credential: "the --token option is required" is
      // prose. After one dash, as other programs' options are written (ffmpeg's `-pass 2`), only
      // one that reads as a secret.
      const counts = dashes.length === 2 ? looksLikeCredential : readsAsSecret;
      const replaced = redact === undefined ? undefined : redactedValue(value, redact, counts);
      return replaced === undefined ? match : `${dashes}${name}${space}${replaced}`;
    });
  if (out.indexOf("-u") !== -1 || out.indexOf("-U") !== -1)
    out = out.replace(USER_OPTION, (match, option: string, user: string, userName: string, password: string) => {
      const replaced = userPassword(userName, password, redactNamed);
      return replaced === password ? match : `${option}${user}${replaced}`;
    });
  return out;
}

/** Whether a text may hold a flag: a dash at its start or after anything but a letter, digit or `_`. */
function mayHoldFlag(text: string): boolean {
  for (let dash = text.indexOf("-"); dash !== -1; dash = text.indexOf("-", dash + 1)) {
    // Letters, digits and `_` stand before a dash inside a word (`x-token`, `2026-01-01`).
    const before = text.charCodeAt(dash - 1);
    if (dash === 0 || !(isLetterOrDigit(before) || before === 95)) return true;
  }
  return false;
}

/** The name of a flag written as a word of its own (an argv element): `--password` → "password". */
export function flagName(word: string): string | undefined {
  return FLAG_WORD.exec(word)?.[1];
}

/**
 * The argv element after `option` redacted where the option says it holds a secret (curl's user
 * option: the password after the first colon); undefined when it does not.
 */
export function redactUserOption(option: string, value: string, redactNamed: NamedValueRedaction): string | undefined {
  if (!USER_OPTION_WORDS.has(option)) return undefined;
  const colon = value.indexOf(":");
  if (colon === -1) return undefined;
  const password = value.slice(colon + 1);
  const replaced = userPassword(value.slice(0, colon), password, redactNamed);
  return replaced === password ? undefined : `${value.slice(0, colon + 1)}${replaced}`;
}

function userPassword(user: string, password: string, redactNamed: NamedValueRedaction): string {
  if (password === "" || (DIGITS.test(user) && DIGITS.test(password))) return password;
  const redact = redactNamed("password");
  return redact === undefined ? password : redact(password);
}
