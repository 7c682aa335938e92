/**
 * A `\uXXXX` escape pair that forms one character, a lone surrogate escape, any other escape: read
 * left to right, so that an escaped backslash before "ud800" is never taken for an escape.
 */
const ESCAPE = /\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|\\u(d[89a-f][0-9a-f]{2})|\\u[0-9a-f]{4}|\\[^u]/gi;

/**
 * JSON text that strict readers (DuckDB, serde_json, …) accept: a lone UTF-16 surrogate, as a
 * character or as the escape JSON.stringify writes for one (`\ud800`), becomes U+FFFD. The usual
 * text, with no `\u` escape at all, is answered after one native scan.
 */
export function wellFormedJson(json: string): string {
  if (json.indexOf("\\u") === -1) return json.isWellFormed() ? json : json.toWellFormed();
  return json.toWellFormed().replace(ESCAPE, (match, _high, _low, lone: string | undefined) => (lone === undefined ? match : "\\ufffd"));
}

/**
 * Whether wellFormedJson leaves a text as it is because it holds no `\u` escape and no lone
 * surrogate. Text joined from such parts is such text too when no part ends in a backslash (as no
 * JSON value or field name does), so a writer can check its parts where they are made, the
 * repeated ones once, rather than the whole text again.
 */
export function isPlainJson(json: string): boolean {
  return json.indexOf("\\u") === -1 && json.isWellFormed();
}

/** A string with every lone surrogate replaced by U+FFFD. */
export function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}
