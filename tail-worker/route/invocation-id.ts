/** Random bytes drawn at once: one getRandomValues call serves 256 invocations. */
const pool = new Uint8Array(2048);
let next = pool.length;

/** The character codes of the 16 hex digits. */
const HEX_CODES = Array.from("0123456789abcdef", (digit) => digit.charCodeAt(0));

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
  const at = next;
  next += 8;
  const b0 = pool[at]!;
  const b1 = pool[at + 1]!;
  const b2 = pool[at + 2]!;
  const b3 = pool[at + 3]!;
  const b4 = pool[at + 4]!;
  const b5 = pool[at + 5]!;
  const b6 = pool[at + 6]!;
  const b7 = pool[at + 7]!;
  return String.fromCharCode(
    HEX_CODES[b0 >> 4]!,
    HEX_CODES[b0 & 15]!,
    HEX_CODES[b1 >> 4]!,
    HEX_CODES[b1 & 15]!,
    HEX_CODES[b2 >> 4]!,
    HEX_CODES[b2 & 15]!,
    HEX_CODES[b3 >> 4]!,
    HEX_CODES[b3 & 15]!,
    HEX_CODES[b4 >> 4]!,
    HEX_CODES[b4 & 15]!,
    HEX_CODES[b5 >> 4]!,
    HEX_CODES[b5 & 15]!,
    HEX_CODES[b6 >> 4]!,
    HEX_CODES[b6 & 15]!,
    HEX_CODES[b7 >> 4]!,
    HEX_CODES[b7 & 15]!,
  );
}
