/** Random words drawn at once: one getRandomValues call serves 256 invocations. */
const pool = new Uint32Array(512);
let next = pool.length;

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
  const high = pool[next++]!;
  const low = pool[next++]!;
  return high.toString(16).padStart(8, "0") + low.toString(16).padStart(8, "0");
}
