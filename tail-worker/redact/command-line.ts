/**
 * Secrets in command lines a Worker logs (a job it starts, a tool it reports on): the value after
 * a flag that names a secret (`--password hunter2`, `-storepass …`, `["--token", "…"]` in an argv
 * array), the password of curl's `-u user:password`, whose user name comes first and names
 * nothing, the password options of a few programs (`mysql -p…`, `sshpass -p …`, `redis-cli -a …`)
 * and Redis's `AUTH` command.
 */

import type { NamedValueRedaction } from "./secret-text";

/** A flag's name: a letter, then up to 99 word characters, dots or dashes. */
const FLAG_NAME = "[A-Za-z][\\w.-]{0,99}";
/** A flag in text: `--name` or `-name`, spaces, then its value (quoted, or a word), unless that is another flag. */
const FLAG_VALUE = new RegExp(
  `(?<![\\w-])(--?)(${FLAG_NAME})([ \\t]+)(?!-)("(?:[^"\\\\]|\\\\.)*"?|'(?:[^'\\\\]|\\\\.)*'?|[^\\s"'<>,;]+)`,
  "g",
);
/** A value after an option: quoted (to its closing quote or the line's end) or a word. */
const OPTION_VALUE = `("(?:[^"\\\\\\n]|\\\\.){0,500}"?|'(?:[^'\\\\\\n]|\\\\.){0,500}'?|[^\\s"']{1,500})`;
/** Options before the password option, on the same line: a bounded run, so a failed search stays linear. */
const OTHER_OPTIONS = "(?:[^\\n]{0,300}?[ \\t])?";
/**
 * The password options of programs whose option names say nothing: MySQL's and MariaDB's clients'
 * `-p<password>` (attached only: `-p` then a space prompts, and the word after it is a
 * database), sshpass's `-p <password>` and redis-cli's `-a <password>`.
 */
const PROGRAM_PASSWORD = new RegExp(
  `(\\b(?:(?:mysql|mariadb)[\\w-]{0,20}[ \\t]${OTHER_OPTIONS}-p(?=\\S)|sshpass[ \\t]${OTHER_OPTIONS}-p[ \\t]*|redis-cli[ \\t]${OTHER_OPTIONS}-a[ \\t]+))${OPTION_VALUE}`,
  "g",
);
const PROGRAM_MARK = /mysql|mariadb|sshpass|redis-cli/;
/**
 * Redis's `AUTH [user] password`, as a command line ends with it: at a line's start, after a
 * prompt (`127.0.0.1:6379> AUTH …`) or after a colon (an error's `Error: AUTH …`). "AUTH failed:
 * …" and other prose go on past two words, and a word in capitals is a reply (`AUTH OK`).
 */
const REDIS_AUTH =
  /((?:^|[\n\r]|[>:] )AUTH[ \t]+(?:[^\s"':]{1,200}[ \t]+)?)(?![A-Z]+[ \t]*(?:$|[\r\n]))([^\s"':]{1,500})(?=[ \t]*(?:$|[\r\n]))/g;
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
      // Unquoted, only a word that reads like a credential: "the --token option is required" is prose.
      const replaced = redact === undefined ? undefined : redactedValue(value, redact, true);
      return replaced === undefined ? match : `${dashes}${name}${space}${replaced}`;
    });
  const redactPassword = redactNamed("password");
  if (redactPassword !== undefined) {
    const password = (match: string, lead: string, value: string) => {
      const replaced = redactedValue(value, redactPassword, false);
      return replaced === undefined ? match : `${lead}${replaced}`;
    };
    if (out.indexOf(" -") !== -1 && PROGRAM_MARK.test(out)) out = out.replace(PROGRAM_PASSWORD, password);
    if (out.indexOf("AUTH") !== -1) out = out.replace(REDIS_AUTH, password);
  }
  if (out.indexOf("-u") !== -1 || out.indexOf("-U") !== -1)
    out = out.replace(USER_OPTION, (match, option: string, user: string, userName: string, password: string) => {
      const replaced = userPassword(userName, password, redactNamed);
      return replaced === password ? match : `${option}${user}${replaced}`;
    });
  return out;
}

/** Whether a text may hold a flag: `--` anywhere, or a dash at its start or after a space. */
function mayHoldFlag(text: string): boolean {
  const dash = text.indexOf("-");
  return dash !== -1 && (dash === 0 || text.indexOf("--", dash) !== -1 || text.indexOf(" -", dash - 1) !== -1);
}

/**
 * A value as text writes it (quoted, an unclosed quote running to its end, or a word) redacted by
 * `redact`, its quotes kept; undefined when nothing changes. With `credentialOnly`, a word
 * unquoted counts only when it reads like a credential (see looksLikeCredential).
 */
export function redactedValue(value: string, redact: (value: string) => string, credentialOnly: boolean): string | undefined {
  const quote = value[0] === '"' || value[0] === "'" ? value[0] : "";
  if (quote === "" && credentialOnly && !looksLikeCredential(value)) return undefined;
  const inner = quote === "" ? value : value.slice(1, value.length > 1 && value.endsWith(quote) ? -1 : undefined);
  if (inner === "") return undefined;
  const replaced = redact(inner);
  return replaced === inner ? undefined : `${quote}${replaced}${quote}`;
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
