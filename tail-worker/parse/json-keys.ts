/**
 * How many object keys a JSON text holds: the colons outside its strings. Strings are skipped with
 * indexOf, so the cost is a native scan plus a loop over the few characters between strings.
 * JSON.parse keeps only the last of duplicate keys; a parsed value with fewer keys than its text
 * lost some, and the text must not stand for it.
 */
export function countJsonKeys(text: string): number {
  let keys = 0;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const open = text.indexOf('"', i);
    const end = open === -1 ? length : open;
    for (; i < end; i++) if (text.charCodeAt(i) === 58) keys++;
    if (open === -1) break;
    let close = text.indexOf('"', open + 1);
    while (close !== -1 && escaped(text, close)) close = text.indexOf('"', close + 1);
    if (close === -1) break;
    i = close + 1;
  }
  return keys;
}

/** Whether the quote at `at` is escaped: preceded by an odd number of backslashes. */
function escaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let j = at - 1; text.charCodeAt(j) === 92; j--) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * Whether a JSON line holds exactly `keys` object keys, the count of the value parsed from it:
 * JSON.parse keeps only the last of duplicate keys, and a line that lost some must not stand for
 * its value (the first of two `"password"` keys could hold a secret the value does not show).
 * Each key is followed by a colon, so a line with no more colons than keys (`colons`, as
 * colonsUpTo counts them) holds no other key; only one with colons inside its strings (a URL, a
 * time of day) is counted exactly.
 */
export function lineHoldsKeys(line: string, keys: number, colons: number): boolean {
  return colons === keys || countJsonKeys(line) === keys;
}

/** The colons of a text, counted up to one past `max`. */
export function colonsUpTo(text: string, max: number): number {
  let colons = 0;
  for (let at = text.indexOf(":"); at !== -1; at = text.indexOf(":", at + 1)) if (++colons > max) break;
  return colons;
}
