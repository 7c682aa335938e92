import { dropToken, getToken, requestToken } from "./auth.js";

/** An API call that failed: `status` is the HTTP status, 0 when the API could not be reached. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const ASK = "The dashboard reads the protected API routes. Enter the admin token (ADMIN_TOKEN).";
const REFUSED = "That token was refused (403). Enter the admin token again.";

/**
 * Calls a protected API route with the session's token. A 401 (no token) or 403 (wrong token)
 * opens the token dialog, then the call is retried.
 */
export async function api(path, { method = "GET", body } = {}) {
  for (;;) {
    const token = getToken();
    const headers = { accept: "application/json" };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
    } catch (error) {
      throw new ApiError(0, `${method} ${path}: the API did not answer (${error.message})`);
    }
    if (response.status === 401 || response.status === 403) {
      // Another call may have got a new token while this one was in flight: retry with it first.
      if (getToken() !== token) continue;
      if (response.status === 403) dropToken(token);
      await requestToken(response.status === 403 ? REFUSED : ASK);
      continue;
    }
    const payload = await response.json().catch(() => null);
    if (!response.ok) {
      const message = payload?.error?.message ?? response.statusText;
      throw new ApiError(response.status, `${method} ${path} answered ${response.status}: ${message}`);
    }
    return payload;
  }
}

/** POST /query: { rows, scanned, truncated }. */
export function runQuery(query) {
  return api("/query", { method: "POST", body: query });
}

/**
 * POST /query/batch with named queries: answers a promise per name, each settling with that
 * query's answer or failing with its own error (so each panel shows its own).
 */
export function runBatch(named) {
  const names = Object.keys(named);
  const batch = api("/query/batch", { method: "POST", body: { queries: names.map((n) => named[n]) } });
  return Object.fromEntries(
    names.map((name, i) => [
      name,
      batch.then(({ answers }) => {
        const answer = answers?.[i];
        if (answer?.error) throw new ApiError(answer.error.status, `${name}: ${answer.error.status}: ${answer.error.message}`);
        return answer;
      }),
    ]),
  );
}
