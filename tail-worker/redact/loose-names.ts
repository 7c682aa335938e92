/**
 * Secrets after their name written the loose ways people and tools write them, besides
 * `name: value` and `name=value` (see secret-text.ts): after a tab (a table), `->` or `|` (a
 * printed mapping, a Markdown table), or "is" in a sentence ("your password is …"); and after a
 * colon that ends a phrase holding the name ("Invalid API key provided: …", "password for user
 * bob: …"). Prose writes names that way too ("the token is expired"), so a value counts only when
 * it reads like a credential.
 */

import { redactedValue } from "./command-line";
import type { NamedValueRedaction } from "./secret-text";
import type { KeyMatch } from "./text-matches";

/**
 * A name of one or two words, a loose separator, then a value: quoted (on one line) or a word.
 * Every run is bounded, so a failed search stays linear.
 */
const LOOSE_NAMED_VALUE =
  /(?<![\w$.-])((?:[A-Za-z0-9]{1,30} )?[\w$.-]{1,100})(\t{1,8}|[ \t]{0,8}(?:->|\|)[ \t]{0,8}| is )("(?:[^"\\\n]|\\.){1,500}"|'(?:[^'\\\n]|\\.){1,500}'|[^\s"'<>,;|]{1,500})/g;
/** What a text needs for LOOSE_NAMED_VALUE: one of its separators. */
const LOOSE_SEPARATOR = /\t|->|\||\bis /;

export function redactLooseNamedValues(text: string, redactNamed: NamedValueRedaction): string {
  if (!LOOSE_SEPARATOR.test(text)) return text;
  let out = "";
  let copied = 0;
  LOOSE_NAMED_VALUE.lastIndex = 0;
  for (let match = LOOSE_NAMED_VALUE.exec(text); match !== null; match = LOOSE_NAMED_VALUE.exec(text)) {
    const [whole, name, separator, value] = match as unknown as [string, string, string, string];
    const valueStart = match.index + name.length + separator.length;
    const redact = redactNamed(name);
    const replaced = redact === undefined ? undefined : redactedValue(value, redact, true);
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

const MAX_PHRASE_WORDS = 4;
const MAX_WORD = 30;

/**
 * What the value after a key becomes when a secret's name (one word or two) is among the up to
 * four words before the key (`Invalid API key provided: …`): the name's redaction, applied only to
 * a value with letters and digits that is not a date. Undefined when no name is there.
 */
export function phraseNamedValue(text: string, key: KeyMatch, redactNamed: NamedValueRedaction): ((value: string) => string) | undefined {
  // Most keys of prose ("cache hit for key user:42") are followed by nothing that reads as a secret: asked first.
  if (!readsAsSecret(wordAt(text, key.end))) return undefined;
  const words = wordsBefore(text, key.index);
  for (let i = words.length - 1; i >= 0; i--) {
    const redact = redactNamed(words[i]!) ?? (i > 0 ? redactNamed(`${words[i - 1]} ${words[i]}`) : undefined);
    if (redact !== undefined) return (value) => (readsAsSecret(value) ? redact(value) : value);
  }
  return undefined;
}

/** The words of letters and digits, each followed by one space, that end right before `end`, nearest last. */
function wordsBefore(text: string, end: number): string[] {
  const words: string[] = [];
  let at = end;
  while (words.length < MAX_PHRASE_WORDS && at >= 2 && text.charCodeAt(at - 1) === 32) {
    let start = at - 1;
    while (start > 0 && at - 1 - start < MAX_WORD && isWordChar(text.charCodeAt(start - 1))) start--;
    if (start === at - 1 || (start > 0 && isWordChar(text.charCodeAt(start - 1)))) break;
    words.unshift(text.slice(start, at - 1));
    at = start;
  }
  return words;
}

/** The word that starts at `start`, quotes left out: what is asked of a value before its name is looked for. */
function wordAt(text: string, start: number): string {
  const from = text.charCodeAt(start) === 34 || text.charCodeAt(start) === 39 ? start + 1 : start;
  let end = from;
  while (end < text.length && end - from < 64 && text.charCodeAt(end) > 32 && text.charCodeAt(end) !== 34 && text.charCodeAt(end) !== 39)
    end++;
  return text.slice(from, end);
}

const LETTER = /[A-Za-z]/;
const DIGIT = /\d/;
const DATE = /^\d{4}-\d\d-\d\d/;

/** A value with letters and digits, not a date: "hunter2" is one, "1500" and "expired" are not. */
function readsAsSecret(value: string): boolean {
  return value.length >= 6 && LETTER.test(value) && DIGIT.test(value) && !DATE.test(value);
}

/** `[A-Za-z0-9]` */
function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}
