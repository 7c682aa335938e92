import { errorMessage } from "./error-message";
import type { AttemptOutcome } from "./retry";

export type Fetcher = (request: Request) => Promise<Response>;

/**
 * One delivery attempt: network errors, 408, 429 and 5xx are worth retrying, other answers are
 * final. The response body is always read, so that its connection is released.
 */
export async function attemptRequest(fetcher: Fetcher, url: string, init: RequestInit): Promise<AttemptOutcome<number>> {
  let response: Response;
  try {
    response = await fetcher(new Request(url, init));
  } catch (error) {
    return { ok: false, retryable: true, error: errorMessage(error) };
  }
  await response.arrayBuffer().catch(() => undefined);
  if (response.ok) return { ok: true, value: response.status };
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  return { ok: false, retryable, error: `HTTP ${response.status}` };
}
