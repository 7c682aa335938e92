/**
 * A stand-in for the Analytics SQL binding (`analytics = { binding = "ANALYTICS_SQL" }`), which
 * needs a Cloudflare account: it records every request and answers through `answer`, which gives
 * the rows, or throws as the binding does. Answers come in the binding's result format.
 */
export interface AnalyticsSqlStandIn {
  binding: AnalyticsSQLBinding;
  calls: AnalyticsSQLQuery[];
}

export type AnalyticsSqlAnswer = (request: AnalyticsSQLQuery) => Promise<AnalyticsSQLResult> | AnalyticsSQLResult;

export function analyticsSqlStandIn(answer: AnalyticsSqlAnswer): AnalyticsSqlStandIn {
  const calls: AnalyticsSQLQuery[] = [];
  const binding = {
    async query(request: AnalyticsSQLQuery) {
      calls.push(structuredClone(request));
      return answer(request);
    },
  } as AnalyticsSQLBinding;
  return { binding, calls };
}

/** Rows as the binding answers them: `{ data, rows, statistics }`. */
export function sqlResult(
  data: Record<string, unknown>[],
  statistics = { elapsed_ms: 3, rows_read: 40, bytes_read: 4000 },
): AnalyticsSQLResult {
  return { data, rows: data.length, statistics };
}
