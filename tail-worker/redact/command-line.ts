/**
 * Secrets in command lines a Worker logs (a job it starts, a tool it reports on): the value after
 * a flag that names a secret (`--password hunter2`, `["--token", "…"]` in an argv array), and the
 * password of `curl -u user:password`, whose user name comes first and names nothing.
 */

import type { NamedValueRedaction } from "./secret-text";

/** A flag in text: `--name`, spaces, then its value (quoted, or a word), unless that is another flag. */
const FLAG_VALUE = /(?<![\w-])--([A-Za-z][\w.-]{0,99})([ \t]+)(?!-)("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|[^\s"'<>,;]+)/g;
/** curl's `-u`/`--user` and `-U`/`--proxy-user`, attached or not, with `user:password` after. */
const USER_OPTION = /(?<![\w-])(-u|-U|--user|--proxy-user)([ \t]*=?[ \t]*["']?[^\s:"']{0,200}:)([^\s"']{1,500})/g;
/** A whole word that is a flag: `--password`, `-token`. */
const FLAG_WORD = /^--?([A-Za-z][\w.-]{0,99})$/;

/** The text with the values of secret flags and of curl's user option redacted. */
export function redactCommandLine(text: string, redactNamed: NamedValueRedaction): string {
  let out = text;
  if (out.indexOf("--") !== -1)
    out = out.replace(FLAG_VALUE, (match, name: string, space: string, value: string) => {
      const redact = redactNamed(name);
      if (redact === undefined) return match;
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : "";
      const inner = quote === "" ? value : value.slice(1, value.length > 1 && value.endsWith(quote) ? -1 : undefined);
      const replaced = redact(inner);
      return replaced === inner ? match : `--${name}${space}${quote}${replaced}${quote}`;
    });
  if (out.indexOf("-u") !== -1 || out.indexOf("-U") !== -1)
    out = out.replace(USER_OPTION, (match, option: string, user: string, password: string) => {
      const redact = redactNamed("password");
      const replaced = redact === undefined ? password : redact(password);
      return replaced === password ? match : `${option}${user}${replaced}`;
    });
  return out;
}

/** The name of a flag written as a word of its own (an argv element): `--password` → "password". */
export function flagName(word: string): string | undefined {
  return FLAG_WORD.exec(word)?.[1];
}
