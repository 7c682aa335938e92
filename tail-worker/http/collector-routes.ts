import { askEveryShard, collectorShard } from "../../schemas/collector-shards";
import { loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import { json, problem } from "./json";
import { fanOutStatus, mergeFlushReports, mergeShardStats, statsStatuses } from "./merge-shards";

export function health(_request: Request, env: Env): Response {
  const config = loadConfig(env);
  return json({ status: "ok", service: "do-tail", environment: config.environment, time: new Date().toISOString() });
}

/**
 * GET /stats: every shard's stats added up, and `shards` saying how each fared. Shards that cannot
 * be reached leave the totals (207, see fanOutStatus); with none answering it is a 502.
 */
export async function stats(_request: Request, env: Env): Promise<Response> {
  const config = loadConfig(env);
  const answers = await askEveryShard(config.shardCount, (shard) => collectorShard(env, shard).stats());
  const shards = statsStatuses(answers);
  const status = fanOutStatus(shards);
  if (status === 502) return problem(502, "no collector shard answered", { shards });
  const collector = mergeShardStats(answers.flatMap((a) => (a.ok ? [a.value] : [])));
  return json(
    {
      ...collector,
      shards,
      config: {
        environment: config.environment,
        shardCount: config.shardCount,
        flushIntervalSeconds: config.flushIntervalSeconds,
        batchSize: config.batchSize,
        analyticsEnabled: config.analyticsEnabled,
        logLevel: config.logLevel,
        maxEventBytes: config.maxEventBytes,
      },
    },
    status,
  );
}

/** POST /flush: every shard flushes; 200, 207 or 502 as for /stats, with each shard's errors. */
export async function flush(_request: Request, env: Env): Promise<Response> {
  const answers = await askEveryShard(loadConfig(env).shardCount, (shard) => collectorShard(env, shard).flush());
  const report = mergeFlushReports(answers);
  return json(report, fanOutStatus(report.shards));
}
