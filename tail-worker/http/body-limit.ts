import type { IRequest } from "itty-router";
import { loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import { errorMessage } from "../../schemas/lib/error-message";
import { problem } from "./json";

/** Router middleware: a request declaring a body larger than MAX_BODY_BYTES is refused unread. */
export function limitBodySize(request: IRequest, env: Env): Response | undefined {
  const max = loadConfig(env).security.maxBodyBytes;
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > max) return problem(413, `request body of ${declared} bytes is larger than the ${max}-byte limit (MAX_BODY_BYTES)`);
  return undefined;
}

/**
 * Reads a JSON body of at most MAX_BODY_BYTES, counting as it streams so that a body sent without
 * Content-Length cannot get around the limit. Answers the value, or a problem response.
 */
export async function readJsonBody(request: Request, env: Env): Promise<{ value: unknown } | { problem: Response }> {
  const max = loadConfig(env).security.maxBodyBytes;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > max) return { problem: problem(413, `request body is larger than the ${max}-byte limit (MAX_BODY_BYTES)`) };
      chunks.push(chunk);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return { value: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch (error) {
    return { problem: problem(400, `request body is not valid JSON: ${errorMessage(error)}`) };
  }
}
