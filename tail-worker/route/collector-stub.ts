import type { Env } from "../../schemas/config/env";

/** The TailCollector every tail invocation and API call talks to. */
export function collectorStub(env: Env) {
  return env.TAIL_COLLECTOR.get(env.TAIL_COLLECTOR.idFromName("collector-0"));
}
