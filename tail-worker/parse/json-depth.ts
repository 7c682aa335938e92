import { MAX_DATA_DEPTH } from "../../schemas/event-envelope";

/**
 * How deep a JSON log line may nest to be archived as data: an array line is held two levels down
 * (`{args: [line]}`), and the archive holds MAX_DATA_DEPTH levels.
 */
export const MAX_LINE_DEPTH = MAX_DATA_DEPTH - 2;

/**
 * Whether JSON text nests objects and arrays deeper than `max` levels. Text too short or with too
 * few brackets to nest that deep (every usual log line) is answered after a few native searches;
 * only the rest is read character by character.
 */
export function nestsDeeperThan(json: string, max: number): boolean {
  if (json.length <= 2 * max || !bracketsAtLeast(json, max + 1)) return false;
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 34) {
      // A string: brackets inside it do not nest. An escape skips the character after it.
      for (i++; i < json.length; i++) {
        const d = json.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

function bracketsAtLeast(json: string, count: number): boolean {
  let found = 0;
  for (let at = json.indexOf("{"); at !== -1; at = json.indexOf("{", at + 1)) if (++found >= count) return true;
  for (let at = json.indexOf("["); at !== -1; at = json.indexOf("[", at + 1)) if (++found >= count) return true;
  return false;
}
