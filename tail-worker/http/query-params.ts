import * as v from "valibot";
import { problem } from "./json";

/**
 * Validates a route's query parameters: each given at most once, none unknown. Answers the typed
 * parameters, or a 400 problem naming the bad parameter.
 */
export function parseQuery<T extends v.ObjectEntries>(
  url: string,
  entries: T,
): { params: v.InferOutput<v.StrictObjectSchema<T, undefined>> } | { problem: Response } {
  const searchParams = new URL(url).searchParams;
  const raw: Record<string, string> = {};
  for (const key of new Set(searchParams.keys())) {
    const values = searchParams.getAll(key);
    if (values.length > 1) return { problem: problem(400, `query parameter "${key}" is given ${values.length} times; give it once`) };
    raw[key] = values[0]!;
  }
  const result = v.safeParse(v.strictObject(entries), raw);
  if (result.success) return { params: result.output };
  const issue = result.issues[0];
  const key = issue.path?.[0]?.key;
  const message =
    issue.kind === "schema" && issue.type === "strict_object"
      ? `unknown query parameter "${String(key)}"`
      : `query parameter "${String(key)}": ${issue.message}`;
  return { problem: problem(400, message, { allowed: Object.keys(entries) }) };
}
