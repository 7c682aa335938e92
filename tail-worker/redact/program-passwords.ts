/**
 * Passwords given to programs whose option names say nothing of them, in command lines and argv
 * arrays a Worker logs: MySQL's and MariaDB's clients' `-p<password>` (attached only: `-p` then a
 * space prompts, and the word after it is a database), sshpass's `-p <password>`, redis-cli's
 * `-a <password>`, and Redis's own `AUTH [user] <password>` command.
 */

import type { NamedValueRedaction } from "./secret-text";
import { redactedValue } from "./value-shapes";

/** A value after an option: quoted (to its closing quote or the line's end) or a word. */
const OPTION_VALUE = `("(?:[^"\\\\\\n]|\\\\.){0,500}"?|'(?:[^'\\\\\\n]|\\\\.){0,500}'?|[^\\s"']{1,500})`;
/** Options before the password option, on the same line: a bounded run, so a failed search stays linear. */
const OTHER_OPTIONS = "(?:[^\\n]{0,300}?[ \\t])?";
/** sshpass's options before `-p`: a command after them (`ssh -p 2222`) has options of its own. */
const SSHPASS_OPTIONS = "(?:-[ehvV][ \\t]+|-[fdP][ \\t]*[^\\s-]\\S{0,200}[ \\t]+){0,8}";
const PROGRAM_PASSWORD = new RegExp(
  `(\\b(?:(?:mysql|mariadb)[\\w-]{0,20}[ \\t]${OTHER_OPTIONS}-p(?=\\S)|sshpass[ \\t]+${SSHPASS_OPTIONS}-p[ \\t]*|redis-cli[ \\t]${OTHER_OPTIONS}-a[ \\t]+))${OPTION_VALUE}`,
  "g",
);
const PROGRAM_MARK = /mysql|mariadb|sshpass|redis-cli/;
/** What `-p` is joined to when it is a port mapping (`docker run --name mysql -p3306:3306`), not a password. */
const PORTS = /^\d{1,5}(?::\d{1,5}){0,2}(?:\/(?:tcp|udp))?$/;
/**
 * Redis's `AUTH [user] password` as a command line ends with it: at a line's start, after a
 * prompt (`127.0.0.1:6379> AUTH …`, `redis> AUTH …`) or after a colon (an error's `Error: AUTH
 * …`); and as MONITOR prints it, every argument quoted (`"AUTH" "…"`). "AUTH failed: …" and
 * other prose go on past two words, and a word of one or two letters or in capitals is a reply
 * (`AUTH OK`, `AUTH ok`), as are the words servers and clients answer with (`AUTH failed`).
 */
const REDIS_AUTH =
  /((?:^|[\n\r]|[>:] )AUTH[ \t]+(?:[^\s"':]{1,200}[ \t]+)?)(?!(?:[A-Za-z]{1,2}|[A-Z]+|failed|required|success(?:ful)?|denied|error|invalid|expired|disabled|enabled|refused)[ \t]*(?:$|[\r\n]))([^\s"':]{1,500})(?=[ \t]*(?:$|[\r\n]))|("(?:AUTH|auth)" (?:"[^"\n]{0,200}" )?)("[^"\n]{1,500}")/g;
/** A program with a password option (a path allowed), as an argv element. */
const PASSWORD_PROGRAM = /(?:^|\/)(?:(mysql|mariadb)[\w-]{0,20}|(sshpass)|redis-cli)$/;
/** How far into an argv array the program may stand: after a runner (`docker exec db mysql …`, `env`, `kubectl exec … --`). */
const MAX_PROGRAM_AT = 8;
/** sshpass's options that take a value other than the password. */
const SSHPASS_VALUE_OPTIONS = new Set(["-f", "-d", "-P"]);

/** The text with these programs' passwords redacted. */
export function redactProgramPasswords(text: string, redactNamed: NamedValueRedaction): string {
  let out = text;
  if (out.indexOf(" -") !== -1 && PROGRAM_MARK.test(out))
    out = out.replace(PROGRAM_PASSWORD, (match, option: string, value: string) =>
      option.endsWith("-p") && PORTS.test(value) ? match : passwordAfter(match, option, value, redactNamed),
    );
  if (out.indexOf("AUTH") !== -1 || out.indexOf('"auth"') !== -1)
    out = out.replace(REDIS_AUTH, (match, command?: string, value?: string, quotedCommand?: string, quoted?: string) =>
      command === undefined
        ? passwordAfter(match, quotedCommand!, quoted!, redactNamed)
        : passwordAfter(match, command, value!, redactNamed),
    );
  return out;
}

function passwordAfter(match: string, lead: string, value: string, redactNamed: NamedValueRedaction): string {
  const redact = redactNamed("password");
  const replaced = redact === undefined ? undefined : redactedValue(value, redact, () => true);
  return replaced === undefined ? match : `${lead}${replaced}`;
}

/**
 * Redacts in place the password in an argv array that runs one of these programs, itself or
 * through a runner (`["mysql", "-pS3cret"]`, `["docker", "exec", "db", "mysql", "-p…"]`,
 * `["sshpass", "-p", "…", "ssh", "-p", "2222"]`, `["redis-cli", "-a", "…"]`). Answers whether
 * anything was replaced.
 */
export function redactProgramArgv(argv: unknown[], redactNamed: NamedValueRedaction): boolean {
  let at = 0;
  let program: RegExpExecArray | null = null;
  for (; at < argv.length && at < MAX_PROGRAM_AT && program === null; at++) {
    const arg = argv[at];
    if (typeof arg === "string" && arg.length < 256) program = PASSWORD_PROGRAM.exec(arg);
  }
  const redact = program === null ? undefined : redactNamed("password");
  if (program === null || redact === undefined) return false;
  let changed = false;
  const replace = (index: number, prefix: string) => {
    const value = (argv[index] as string).slice(prefix.length);
    const replaced = redact(value);
    if (replaced === value) return;
    argv[index] = `${prefix}${replaced}`;
    changed = true;
  };
  for (let i = at; i < argv.length; i++) {
    const arg = argv[i];
    if (typeof arg !== "string") continue;
    if (program[1] !== undefined) {
      if (arg.length > 2 && arg.startsWith("-p") && !PORTS.test(arg.slice(2))) replace(i, "-p");
    } else if (program[2] !== undefined) {
      // sshpass's own options end where the command it runs starts.
      if (arg.charCodeAt(0) !== 45) break;
      if (arg.length > 2 && arg.startsWith("-p")) replace(i, "-p");
      else if (arg === "-p" && typeof argv[i + 1] === "string") replace(++i, "");
      else if (SSHPASS_VALUE_OPTIONS.has(arg)) i++;
    } else if (arg === "-a" && typeof argv[i + 1] === "string") replace(++i, "");
  }
  return changed;
}
