/** Random bytes drawn at once: one getRandomValues call serves 256 invocations. */
const pool = new Uint8Array(2048);
let next = pool.length;

/** The character codes of the 16 hex digits. */
const HEX_CODES = Array.from("0123456789abcdef", (digit) => digit.charCodeAt(0));
/** The id's 16 digits as character codes, rewritten for each id. */
const digits = new Array<number>(16).fill(0);

/**
 * A fresh 64-bit random id (16 hex digits) for one TraceItem of one tail() call. Ids name a
 * delivery, not content: two identical invocations never share one, and every retry of the same
 * delivery reuses it (deliverBatch resends the same events), which is what the collector's
 * deduplication recognises. Random bits also spread invocations evenly over shards. Written in one
 * fromCharCode call: a flat string, where joining sixteen digits (or eight pairs) builds a rope
 * that every later join and search of the id first has to flatten.
 */
export function newInvocationId(): string {
  if (next >= pool.length) {
    crypto.getRandomValues(pool);
    next = 0;
  }
  for (let i = 0; i < 8; i++) {
    const byte = pool[next + i]!;
    digits[2 * i] = HEX_CODES[byte >> 4]!;
    digits[2 * i + 1] = HEX_CODES[byte & 15]!;
  }
  next += 8;
  return String.fromCharCode.apply(null, digits);
}
