/**
 * Whether text, after leading white space, starts like a JSON object or array: what is worth
 * parsing as JSON. Decided from the first character when that is not white space, without
 * trimming (a copy) the usual text that starts with a letter or a brace.
 */
export function startsLikeJsonContainer(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first === 123 || first === 91) return true;
  // Printable ASCII is never white space; anything else (and an empty text) is left to trimStart.
  if (first > 32 && first < 127) return false;
  const start = text.trimStart()[0];
  return start === "{" || start === "[";
}
