/**
 * `compute` remembered per key, for the hot path's repeated inputs (field names, event types, a
 * client's IP). Producers choose the keys, so the memo is emptied when it reaches `max` entries
 * rather than growing without bound. `undefined` is what "not yet computed" looks like, so no
 * value may be undefined.
 */
export function boundedMemo<V extends NonNullable<unknown> | null>(compute: (key: string) => V, max: number): (key: string) => V {
  const memo = new Map<string, V>();
  return (key) => {
    const known = memo.get(key);
    if (known !== undefined) return known;
    const value = compute(key);
    if (memo.size >= max) memo.clear();
    memo.set(key, value);
    return value;
  };
}
