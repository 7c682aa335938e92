import { setOwn } from "../../schemas/lib/own-property";
import { type FieldVerdicts, judgesValue, SECRET_NAME } from "./field-verdicts";
import { REDACTED } from "./secret-text";

/** What a walk met, counted on by redactStringsBelow. */
export interface WalkCounts {
  keys: number;
  nonFinite: number;
  nodes: number;
}

/**
 * Redacts, in place, the strings at any depth of the structures in `roots`: what a plural secret
 * name holds (`passwords: […]`, `tokens: {access: …, refresh: …}`), where the names below only
 * say which secret is which. Strings shorter than `keepShorterThan` are kept (a model's tokens);
 * numbers, flags and nulls are kept (`tokens: {input: 812}` counts a model's tokens), unless a
 * name below says they are secrets themselves (`secrets: {otp: 482913}`). Keys are counted into
 * `counts` as the main walk counts them, and a record with a key that is itself a credential is
 * handed to `renameSecretNames`. Answers whether anything was replaced; throws past `maxNodes`
 * values, as the main walk does.
 */
export function redactStringsBelow(
  roots: unknown[],
  keepShorterThan: number,
  verdicts: Pick<FieldVerdicts, "verdictOf" | "replacement">,
  renameSecretNames: (record: Record<string, unknown>) => void,
  counts: WalkCounts,
  maxNodes: number,
): boolean {
  let changed = false;
  const stack = roots;
  const secretString = (value: string) => value !== REDACTED && value.length >= keepShorterThan;
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    if (++counts.nodes > maxNodes) throw new Error(`more than ${maxNodes} values to redact: not a tree`);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        if (typeof item === "string") {
          if (secretString(item)) {
            node[i] = REDACTED;
            changed = true;
          }
        } else if (item !== null && typeof item === "object") stack.push(item);
        else if (typeof item === "number" && item - item !== 0) counts.nonFinite++;
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    let secretNames = false;
    for (const key in record) {
      counts.keys++;
      const value = record[key];
      const verdict = verdicts.verdictOf(key);
      if (verdict === SECRET_NAME) secretNames = true;
      let replaced = value;
      if (judgesValue(verdict)) replaced = verdicts.replacement(verdict, value);
      else if (typeof value === "string") replaced = secretString(value) ? REDACTED : value;
      else if (value !== null && typeof value === "object") stack.push(value);
      else if (typeof value === "number" && value - value !== 0) counts.nonFinite++;
      if (replaced === value) continue;
      // Producer data may hold any key: `__proto__` is written as an own field, never as the prototype.
      if (key === "__proto__") setOwn(record, key, replaced);
      else record[key] = replaced;
      changed = true;
    }
    if (secretNames) {
      renameSecretNames(record);
      changed = true;
    }
  }
  return changed;
}
