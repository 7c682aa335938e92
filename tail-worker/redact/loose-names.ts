/**
 * Secrets after their name written the loose ways people and tools write them, besides a
 * one-word `name: value` and `name=value` (see secret-text.ts): after a tab (a table), `->` or
 * `|` (a printed mapping, a Markdown table), or "is" in a sentence ("your password is …"); and
 * after a colon that ends a name of two words ("API key: …") or a name and a word saying what
 * happened to it ("Invalid API key provided: …"). Prose and identifiers are written that way too
 * ("the token is expired", `token -> access_token`), so past a two-word name a value counts only
 * when it reads as a secret (see readsAsSecret).
 */

import type { NamedValueRedaction } from "./secret-text";
import type { KeyMatch } from "./text-matches";
import { isLetterOrDigit, readsAsSecret, redactedValue } from "./value-shapes";

/**
 * A name of one or two words, a loose separator, then a value: quoted (on one line) or a word.
 * Each run of spaces is bounded and none can split a run another one reads, so a failed search
 * stays linear.
 */
const LOOSE_NAMED_VALUE =
  /(?<![\w$.-])((?:[A-Za-z0-9]{1,30} )?[\w$.-]{1,100})( {0,8}\t[ \t]{0,16}|[ \t]{0,32}(?:->|\|)[ \t]{0,32}| [Ii][Ss] )("(?:[^"\\\n]|\\.){1,500}"|'(?:[^'\\\n]|\\.){1,500}'|[^\s"'<>,;|]{0,499}[^\s"'<>,;|.!?])/g;
/** What a text needs for LOOSE_NAMED_VALUE: one of its separators, "is" in any case (see LINE_SECRET_MARK). */
const LOOSE_SEPARATOR = /\t|->|\||\b[iI][sS] /;

/** The text with every value after a secret's name and a loose separator that reads as a secret redacted. */
export function redactLooseNamedValues(text: string, redactNamed: NamedValueRedaction): string {
  if (!LOOSE_SEPARATOR.test(text)) return text;
  let out = "";
  let copied = 0;
  LOOSE_NAMED_VALUE.lastIndex = 0;
  for (let match = LOOSE_NAMED_VALUE.exec(text); match !== null; match = LOOSE_NAMED_VALUE.exec(text)) {
    const [whole, name, separator, value] = match as unknown as [string, string, string, string];
    const valueStart = match.index + name.length + separator.length;
    const redact = redactNamed(name);
    const replaced = redact === undefined ? undefined : redactedValue(value, redact, readsAsSecret);
    if (replaced === undefined) {
      // A plain name's value may be the next name (`step -> api_key -> …`): search on from it.
      LOOSE_NAMED_VALUE.lastIndex = valueStart;
      continue;
    }
    out += `${text.slice(copied, valueStart)}${replaced}`;
    copied = match.index + whole.length;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const MAX_WORD = 30;

/**
 * The word between a secret's name and its colon that leaves the value the secret's: one saying
 * what happened to it ("Invalid API key provided: …", "token used: …", "New password set: …"). A
 * noun names something else ("Token id: tok_…", "Password hash: …", "Secret name: …").
 */
const HAPPENED = /^(?:[A-Za-z]{2,20}ed|set|sent|given|taken|shown|is|was)$/i;

/**
 * What the value after a key becomes when the word right before it makes a secret's name with
 * it (`API key: …`, whose last word alone names nothing), or when a secret's name (one word or
 * two) stands right before a key saying what happened to it (see HAPPENED): the name's redaction,
 * in the second case only for a value that reads as a secret. Undefined when no name is there.
 */
export function namedInWords(text: string, key: KeyMatch, redactNamed: NamedValueRedaction): ((value: string) => string) | undefined {
  const [before, last] = wordsBefore(text, key.index);
  if (last === undefined) return undefined;
  const twoWords = redactNamed(`${last} ${key.name}`);
  if (twoWords !== undefined) return twoWords;
  // Most keys are followed by nothing that reads as a secret ("cache hit for key user:42"): asked first.
  if (!HAPPENED.test(key.name) || !readsAsSecret(wordAt(text, key.end))) return undefined;
  const phrase = redactNamed(last) ?? (before === undefined ? undefined : redactNamed(`${before} ${last}`));
  return phrase === undefined ? undefined : (value) => (readsAsSecret(value) ? phrase(value) : value);
}

/**
 * What the value after `name` (found at `index`) becomes when the word right before it makes a
 * secret's name with it (`API key …`); undefined otherwise.
 */
export function namedByTwoWords(
  text: string,
  index: number,
  name: string,
  redactNamed: NamedValueRedaction,
): ((value: string) => string) | undefined {
  const [, last] = wordsBefore(text, index);
  return last === undefined ? undefined : redactNamed(`${last} ${name}`);
}

/**
 * The two words of letters and digits, each followed by one space, that end right before `end`:
 * [the one before the last, the last]; either undefined when it is not there.
 */
function wordsBefore(text: string, end: number): [string | undefined, string | undefined] {
  const last = wordEndingAt(text, end);
  if (last === undefined) return [undefined, undefined];
  return [wordEndingAt(text, end - last.length - 1), last];
}

/** The word of letters and digits followed by one space that ends right before `end`. */
function wordEndingAt(text: string, end: number): string | undefined {
  if (end < 2 || text.charCodeAt(end - 1) !== 32) return undefined;
  let start = end - 1;
  while (start > 0 && end - 1 - start < MAX_WORD && isLetterOrDigit(text.charCodeAt(start - 1))) start--;
  if (start === end - 1 || (start > 0 && isLetterOrDigit(text.charCodeAt(start - 1)))) return undefined;
  return text.slice(start, end - 1);
}

/** The word that starts at `start`, quotes left out: what is asked of a value before its name is looked for. */
function wordAt(text: string, start: number): string {
  const from = text.charCodeAt(start) === 34 || text.charCodeAt(start) === 39 ? start + 1 : start;
  let end = from;
  while (end < text.length && end - from < 64 && text.charCodeAt(end) > 32 && text.charCodeAt(end) !== 34 && text.charCodeAt(end) !== 39)
    end++;
  return text.slice(from, end);
}
