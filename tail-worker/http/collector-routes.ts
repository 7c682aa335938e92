import { loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import { allCollectorShards } from "../route/collector-stub";
import { json } from "./json";
import { mergeFlushReports, mergeShardStats } from "./merge-shards";

export function health(_request: Request, env: Env): Response {
  const config = loadConfig(env);
  return json({ status: "ok", service: "do-tail", environment: config.environment, time: new Date().toISOString() });
}

export async function stats(_request: Request, env: Env): Promise<Response> {
  const config = loadConfig(env);
  const collector = mergeShardStats(await Promise.all(allCollectorShards(env).map((shard) => shard.stats())));
  return json({
    ...collector,
    config: {
      environment: config.environment,
      shardCount: config.shardCount,
      flushIntervalSeconds: config.flushIntervalSeconds,
      batchSize: config.batchSize,
      analyticsEnabled: config.analyticsEnabled,
      logLevel: config.logLevel,
      maxEventBytes: config.maxEventBytes,
    },
  });
}

export async function flush(_request: Request, env: Env): Promise<Response> {
  const report = mergeFlushReports(await Promise.all(allCollectorShards(env).map((shard) => shard.flush())));
  return json(report, report.errors.length > 0 ? 502 : 200);
}
