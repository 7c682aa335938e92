/**
 * Secrets in command lines a Worker logs (a job it starts, a tool it reports on): the value after
 * a flag that names a secret (`--password hunter2`, `["--token", "…"]` in an argv array), and the
 * password of curl's `-u user:password`, whose user name comes first and names nothing.
 */

import type { NamedValueRedaction } from "./secret-text";

/** A flag's name: a letter, then up to 99 word characters, dots or dashes. */
const FLAG_NAME = "[A-Za-z][\\w.-]{0,99}";
/** A flag in text: `--name`, spaces, then its value (quoted, or a word), unless that is another flag. */
const FLAG_VALUE = new RegExp(
  `(?<![\\w-])--(${FLAG_NAME})([ \\t]+)(?!-)("(?:[^"\\\\]|\\\\.)*"?|'(?:[^'\\\\]|\\\\.)*'?|[^\\s"'<>,;]+)`,
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
  if (out.indexOf("--") !== -1)
    out = out.replace(FLAG_VALUE, (match, name: string, space: string, value: string) => {
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : "";
      // Unquoted, only a word that reads like a credential: "the --token option is required" is prose.
      const redact = quote === "" && !looksLikeCredential(value) ? undefined : redactNamed(name);
      if (redact === undefined) return match;
      const inner = quote === "" ? value : value.slice(1, value.length > 1 && value.endsWith(quote) ? -1 : undefined);
      const replaced = redact(inner);
      return replaced === inner ? match : `--${name}${space}${quote}${replaced}${quote}`;
    });
  if (out.indexOf("-u") !== -1 || out.indexOf("-U") !== -1)
    out = out.replace(USER_OPTION, (match, option: string, user: string, userName: string, password: string) => {
      const replaced = userPassword(userName, password, redactNamed);
      return replaced === password ? match : `${option}${user}${replaced}`;
    });
  return out;
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

const CREDENTIAL_LIKE = /[0-9_+/=-]|.[A-Z]/;

/**
 * A word that reads like a credential rather than like prose after a secret's name ("token
 * expired", "password reset"): it holds a digit, a capital after its first letter, or a symbol.
 */
export function looksLikeCredential(word: string): boolean {
  return CREDENTIAL_LIKE.test(word);
}
