import { setOwn } from "../../schemas/lib/own-property";
import { REDACTED } from "./secret-text";

/** What a walk met, counted on by redactStringsBelow. */
export interface WalkCounts {
  keys: number;
  nonFinite: number;
  nodes: number;
}

/**
 * Redacts, in place, every string at any depth of the structures in `roots`: what a plural secret
 * name holds (`passwords: […]`, `tokens: {access: …, refresh: …}`), where the names below say
 * only which secret is which. Numbers, flags and nulls are kept (`tokens: {input: 812}` counts a
 * model's tokens). Keys are counted into `counts` as the main walk counts them, and a record with
 * a key that is itself a credential is handed to `renameSecretNames`. Answers whether anything
 * was replaced; throws past `maxNodes` values, as the main walk does.
 */
export function redactStringsBelow(
  roots: unknown[],
  isSecretName: (key: string) => boolean,
  renameSecretNames: (record: Record<string, unknown>) => void,
  counts: WalkCounts,
  maxNodes: number,
): boolean {
  let changed = false;
  const stack = roots;
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    if (++counts.nodes > maxNodes) throw new Error(`more than ${maxNodes} values to redact: not a tree`);
    const record = node as Record<string, unknown>;
    let secretNames = false;
    for (const key in record) {
      if (!Array.isArray(node)) {
        counts.keys++;
        if (isSecretName(key)) secretNames = true;
      }
      const value = record[key];
      if (typeof value === "string") {
        if (value === REDACTED) continue;
        if (key === "__proto__") setOwn(record, key, REDACTED);
        else record[key] = REDACTED;
        changed = true;
      } else if (value !== null && typeof value === "object") stack.push(value);
      else if (typeof value === "number" && value - value !== 0) counts.nonFinite++;
    }
    if (secretNames) {
      renameSecretNames(record);
      changed = true;
    }
  }
  return changed;
}
