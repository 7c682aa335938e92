/** Random bytes drawn at once: one getRandomValues call serves 256 invocations. */
const pool = new Uint8Array(2048);
let next = pool.length;

/** Two hex digits per byte value: a lookup, where toString(16) of a 32-bit word is V8's slow path. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/**
 * A fresh 64-bit random id (16 hex digits) for one TraceItem of one tail() call. Ids name a
 * delivery, not content: two identical invocations never share one, and every retry of the same
 * delivery reuses it (deliverBatch resends the same events), which is what the collector's
 * deduplication recognises. Random bits also spread invocations evenly over shards.
 */
export function newInvocationId(): string {
  if (next >= pool.length) {
    crypto.getRandomValues(pool);
    next = 0;
  }
  const at = next;
  next += 8;
  return (
    HEX[pool[at]!]! +
    HEX[pool[at + 1]!]! +
    HEX[pool[at + 2]!]! +
    HEX[pool[at + 3]!]! +
    HEX[pool[at + 4]!]! +
    HEX[pool[at + 5]!]! +
    HEX[pool[at + 6]!]! +
    HEX[pool[at + 7]!]!
  );
}
