import { wellFormedJson } from "../../schemas/lib/well-formed-json";

/**
 * JSON responses, errors in the shape { error: { status, message } }. Lone surrogates (a query's
 * alias, a field named in an error) are written as U+FFFD: strict readers refuse their escapes.
 */
export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(wellFormedJson(JSON.stringify(body, null, 2)), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

export function problem(status: number, message: string, details?: unknown): Response {
  return json({ error: { status, message, ...(details === undefined ? {} : { details }) } }, status);
}
