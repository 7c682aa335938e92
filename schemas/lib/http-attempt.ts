import { errorMessage } from "./error-message";
import type { AttemptOutcome } from "./retry";

export type Fetcher = (request: Request) => Promise<Response>;

/**
 * One delivery attempt, given up after `timeoutMs`: network errors, timeouts, 408, 429 and 5xx
 * are worth retrying, other answers are final. The response body is always read, so that its
 * connection is released. The timer is cleared once the attempt ends: a pending one would keep
 * a Durable Object busy (and its eviction waiting) long after the answer came.
 */
export async function attemptRequest(fetcher: Fetcher, url: string, init: RequestInit, timeoutMs: number): Promise<AttemptOutcome<number>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    let response: Response;
    try {
      response = await fetcher(new Request(url, { ...init, signal: controller.signal }));
    } catch (error) {
      return { ok: false, retryable: true, error: errorMessage(error) };
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return { ok: true, value: response.status };
    const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
    return { ok: false, retryable, error: `HTTP ${response.status}` };
  } finally {
    clearTimeout(timer);
  }
}
