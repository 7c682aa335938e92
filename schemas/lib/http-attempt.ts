import { errorMessage } from "./error-message";
import type { AttemptOutcome } from "./retry";

export type Fetcher = (request: Request) => Promise<Response>;

/**
 * One delivery attempt, given up after `timeoutMs`: network errors, timeouts, 408, 429 and 5xx
 * are worth retrying (with the receiver's Retry-After, when it sent one), other answers are
 * final. A redirect is final too and not followed: fetch would turn a redirected POST (301, 302,
 * 303) into a GET without its body, which a receiver may well answer 200, and the delivery
 * would count as done with nothing delivered. The response body is always read, so that its
 * connection is released. The timer is cleared once the attempt ends: a pending one would keep
 * a Durable Object busy (and its eviction waiting) long after the answer came.
 */
export async function attemptRequest(fetcher: Fetcher, url: string, init: RequestInit, timeoutMs: number): Promise<AttemptOutcome<number>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    let response: Response;
    try {
      response = await fetcher(new Request(url, { ...init, redirect: "manual", signal: controller.signal }));
    } catch (error) {
      return { ok: false, retryable: true, error: errorMessage(error) };
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return { ok: true, value: response.status };
    if (response.status >= 300 && response.status < 400) {
      return {
        ok: false,
        retryable: false,
        error: `HTTP ${response.status}: redirected${destinationOf(response, url)}, not followed; set the final URL`,
      };
    }
    if (!(response.status === 408 || response.status === 429 || response.status >= 500))
      return { ok: false, retryable: false, error: `HTTP ${response.status}` };
    const retryAfterMs = retryAfterOf(response.headers.get("retry-after"), Date.now());
    if (retryAfterMs === undefined) return { ok: false, retryable: true, error: `HTTP ${response.status}` };
    return { ok: false, retryable: true, retryAfterMs, error: `HTTP ${response.status}, Retry-After ${Math.ceil(retryAfterMs / 1000)} s` };
  } finally {
    clearTimeout(timer);
  }
}

/** Where a redirect points, as an origin only: a webhook's path can be its credential. */
function destinationOf(response: Response, url: string): string {
  const location = response.headers.get("location");
  if (location === null) return "";
  try {
    return ` to ${new URL(location, url).origin}`;
  } catch {
    return "";
  }
}

/**
 * Milliseconds a Retry-After header asks to wait (RFC 9110: a number of seconds or an HTTP
 * date); undefined when there is none or it reads as neither.
 */
export function retryAfterOf(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  // Every HTTP date names its month; Date.parse alone would read "-5" or "1.5" as a date too.
  const at = /[a-zA-Z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
