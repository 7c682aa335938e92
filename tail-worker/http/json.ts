/** JSON responses, errors in the shape { error: { status, message } }. */
export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body, null, 2), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

export function problem(status: number, message: string, details?: unknown): Response {
  return json({ error: { status, message, ...(details === undefined ? {} : { details }) } }, status);
}
