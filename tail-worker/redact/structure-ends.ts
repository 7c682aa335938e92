/** Structures longer than this are cut there. */
const MAX_STRUCTURE = 100_000;

/**
 * Where each JSON-like object or array of a text ends (see at), found in one pass over the text
 * the first time one is asked for: a scan from every secret's name to its structure's end would
 * read a hostile text (`token set:[a token set:[a …`, never closed) once per name.
 */
export class StructureEnds {
  private ends: Map<number, number> | undefined;

  constructor(private readonly text: string) {}

  /**
   * Where the structure starting at `start` ends: after its closing bracket, or at its line's end
   * when it has none there (cut text), or MAX_STRUCTURE characters on. Brackets are counted,
   * quotes are not (JSON escaped into a string writes its quotes as `\"`). Not a structure:
   * after `value`.
   */
  at(start: number, value: string): number {
    const first = this.text.charCodeAt(start);
    if (first !== 123 && first !== 91) return start + value.length;
    this.ends ??= structureEnds(this.text);
    return Math.min(this.ends.get(start) ?? this.text.length, start + MAX_STRUCTURE);
  }
}

function structureEnds(text: string): Map<number, number> {
  const ends = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) open.push(i);
    else if (c === 125 || c === 93) {
      const at = open.pop();
      if (at !== undefined) ends.set(at, i + 1);
    } else if (c === 10) {
      for (const at of open) ends.set(at, i);
      open.length = 0;
    }
  }
  return ends;
}
