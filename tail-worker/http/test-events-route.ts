import { loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import { describeTrigger } from "../parse/invocation";
import { handleTail } from "../tail-handler";
import { sampleTraceItems } from "../test-events/sample-trace-items";
import { json, problem } from "./json";

/** POST /test-events: realistic sample TraceItems through the same path as real ones. Local only. */
export async function testEvents(_request: Request, env: Env): Promise<Response> {
  if (loadConfig(env).environment === "production") {
    return problem(403, "POST /test-events is disabled in production: it would mix sample events into real archives");
  }
  const items = sampleTraceItems(Date.now());
  const summary = await handleTail(items, env);
  return json({
    generated: items.map((item) => ({
      script: item.scriptName,
      trigger: describeTrigger(item.event, []).trigger,
      outcome: item.outcome,
      logs: item.logs.length,
      exceptions: item.exceptions.length,
      diagnostics: item.diagnosticsChannelEvents.length,
    })),
    ...summary,
  });
}
