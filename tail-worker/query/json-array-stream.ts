/**
 * Splits the text of a JSON array into the text of its elements as it streams, so that an archive
 * object of tens of megabytes is parsed one event at a time rather than held whole as objects.
 * It only finds element boundaries (strings, escapes and nesting); JSON.parse checks each element.
 */
export class JsonArraySplitter {
  private started = false;
  private ended = false;
  private inElement = false;
  private scalar = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private pending = "";

  constructor(private readonly emit: (element: string) => void) {}

  push(chunk: string): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (!this.inElement) {
        if (isSpace(c)) continue;
        if (!this.started) {
          if (c !== OPEN_ARRAY) throw new SyntaxError("archive object is not a JSON array");
          this.started = true;
          continue;
        }
        if (this.ended) throw new SyntaxError("unexpected text after the end of the JSON array");
        if (c === COMMA) continue;
        if (c === CLOSE_ARRAY) {
          this.ended = true;
          continue;
        }
        this.inElement = true;
        start = i;
        this.scalar = c !== OPEN_OBJECT && c !== OPEN_ARRAY;
        if (c === QUOTE) this.inString = true;
        else if (!this.scalar) this.depth = 1;
        continue;
      }
      if (this.scalar) {
        if (c === COMMA || c === CLOSE_ARRAY || isSpace(c)) {
          this.finish(chunk.slice(start, i));
          if (c === CLOSE_ARRAY) this.ended = true;
        } else if (c === QUOTE) this.inString = true;
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (--this.depth === 0) this.finish(chunk.slice(start, i + 1));
      }
    }
    if (this.inElement) this.pending += chunk.slice(start);
  }

  /** Call when the text was cut on purpose (a ranged read): an element cut short is dropped. */
  endPartial(): void {
    this.pending = "";
    this.inElement = false;
  }

  /** Call once the text is complete: throws when it ended inside the array. */
  end(): void {
    if (this.inElement && this.scalar && !this.inString) this.finish("");
    if (!this.started || !this.ended || this.inElement) throw new SyntaxError("archive object ended inside its JSON array (truncated?)");
  }

  private finish(tail: string): void {
    const text = this.pending + tail;
    this.pending = "";
    this.inElement = false;
    this.emit(text);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Every element of a streamed JSON array, parsed, one at a time, with the length of its text.
 * `partial`: the stream is the head of the array (a ranged read), so it may end anywhere. `stop`
 * is asked between chunks: when it answers true the rest of the stream is not read.
 */
export async function forEachArrayElement(
  body: ReadableStream<Uint8Array>,
  onElement: (value: unknown, length: number) => void,
  options: { partial?: boolean; stop?: () => boolean } = {},
): Promise<{ stopped: boolean }> {
  const splitter = new JsonArraySplitter((text) => onElement(JSON.parse(text), text.length));
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      if (options.stop?.()) {
        await reader.cancel();
        return { stopped: true };
      }
      const { done, value } = await reader.read();
      if (done) break;
      splitter.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    reader.releaseLock();
  }
  splitter.push(decoder.decode());
  if (options.partial) splitter.endPartial();
  else splitter.end();
  return { stopped: false };
}

/** Every element of JSON array text, parsed, one at a time, with the length of its text. */
export function forEachArrayElementOfText(text: string, onElement: (value: unknown, length: number) => void): void {
  const splitter = new JsonArraySplitter((element) => onElement(JSON.parse(element), element.length));
  splitter.push(text);
  splitter.end();
}
